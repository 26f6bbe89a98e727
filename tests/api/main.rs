//! HTTP tests against the real server: port 0, a fresh SQLite file in a temp dir per test.

mod caching;
mod cli;
mod concurrency;
mod crash;
mod errors;
mod export;
mod helpers;
mod history;
mod hugo;
mod openapi;
mod ops;
mod page_file;
mod sections;
mod startup;
mod tokens;
mod write_errors;
mod writes;
