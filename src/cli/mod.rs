//! Commands that work on a database file without a server: a page file's or a whole site's
//! import, export and check, and the content model. (The `token` commands live with the tokens, in `auth::admin`.)

pub mod model;
pub mod output;
pub mod page_file;
pub mod site;
