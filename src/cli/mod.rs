//! Commands that work on a database file without a server: a page file's import, export and
//! check. (The `token` commands live with the tokens, in `auth::admin`.)

pub mod page_file;
