//! gen3-content: the Gen3 landing page stored in SQLite and served as typed JSON sections.

pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod edge;
pub mod edit;
pub mod error;
pub mod healthcheck;
pub mod limits;
pub mod log_output;
pub mod metrics;
pub mod openapi;
pub mod page_file;
pub mod representation;
pub mod routes;
pub mod security;
pub mod seed;
pub mod snapshot;
pub mod startup;
pub mod storage;
pub mod store;
pub mod telemetry;
