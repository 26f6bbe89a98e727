//! HTTP tests against the real server: port 0, a fresh SQLite file in a temp dir per test.

mod browser;
mod caching;
mod cli;
mod concurrency;
mod crash;
mod errors;
mod export;
mod frontend;
mod helpers;
mod history;
mod hugo;
mod limits;
mod lossless;
mod metrics;
mod openapi;
mod ops;
mod page_file;
mod references;
mod sections;
mod security;
mod site;
mod startup;
mod tokens;
mod upgrade;
mod write_errors;
mod writes;
