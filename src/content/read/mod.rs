//! The read model: every page as stored ([`stored`]), its representations built once per change
//! ([`snapshot`], [`representation`], [`documents`]), one version of the whole site ([`site`]),
//! what the server serves now ([`served`]), and what other processes commit ([`follow`]). A read
//! never touches the database.

pub mod documents;
pub mod follow;
pub mod representation;
pub mod served;
pub mod site;
pub mod snapshot;
pub mod stored;
