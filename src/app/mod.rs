//! The application: its settings (the command line) and its start-up.

pub mod config;
pub mod startup;
