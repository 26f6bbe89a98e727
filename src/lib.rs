//! gen3-content: the Gen3 landing page stored in SQLite and served as typed JSON sections.

pub mod app;
pub mod auth;
pub mod cli;
pub mod content;
pub mod http;
pub mod hugo;
pub mod model;
pub mod ops;
pub mod storage;
pub mod webhooks;
