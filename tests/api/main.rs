//! HTTP tests against the real server: port 0, a fresh SQLite file in a temp dir per test.

mod caching;
mod cli;
mod errors;
mod helpers;
mod openapi;
mod ops;
mod sections;
mod startup;
