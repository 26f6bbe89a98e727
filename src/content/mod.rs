//! Pages and sections as the service holds them: the one door to the database for content
//! (`store`), the write path (`write`: one transaction, published before the writer hears back),
//! the read model (`snapshot`: every page's representations prepared, shared between versions;
//! `follow`: what other processes commit), change sets (`change_set`: edits kept apart from what
//! is live, and their views of the site; `schedule`, `preview`, `feed`: publishing them at a time,
//! building them with Hugo, streaming what was published; `deploy`: what builds of the site
//! report), the documents it serves and the seed.

pub mod change_set;
pub mod deploy;
pub mod documents;
pub mod feed;
pub mod follow;
pub mod preview;
pub mod representation;
pub mod schedule;
pub mod seed;
pub mod site;
pub mod snapshot;
pub mod store;
pub mod write;
