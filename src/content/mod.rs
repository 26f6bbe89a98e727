//! Pages and sections as the service holds them: the one door to the database for content
//! (`store`), the write path (`write`: one transaction, published before the writer hears back),
//! the read model (`snapshot`: every representation prepared, shared between versions), the
//! documents it serves and the seed.

pub mod documents;
pub mod representation;
pub mod seed;
pub mod site;
pub mod snapshot;
pub mod store;
pub mod write;
