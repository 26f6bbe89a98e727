//! The content model: what the site's pages hold, as data (`definition`: the model file; `engine`:
//! a page's front matter read into metadata and sections checked against their types, and
//! written back; `infer`: a model from a set of pages), the page it gives (`page`), the leaf
//! rules of text (`text`) and the validation that reports every offending field with its JSON
//! Pointer (`parse`). No HTTP, no SQL here.

pub mod authors;
mod consistency;
pub mod definition;
pub mod engine;
pub mod infer;
pub mod merge;
pub mod page;
pub mod parse;
pub mod text;
pub mod timestamp;

pub use definition::Model;
pub use page::{Page, PageSection, SectionContent};
pub use parse::{Errors, FieldError, Parse, Pointer};
pub use timestamp::Timestamp;
