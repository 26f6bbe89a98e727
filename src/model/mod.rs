//! The content model: the page and its sections as types that can only hold valid content, and
//! the validation that reports every offending field with its JSON Pointer. No HTTP, no SQL here.

pub mod content;
pub mod definition;
pub mod engine;
pub mod infer;
pub mod page;
pub mod parse;
pub mod section;
pub mod text;
pub mod timestamp;

pub use page::{Page, PageMeta};
pub use parse::{Errors, FieldError, Parse, Pointer};
pub use section::{SectionContent, SectionId};
pub use timestamp::Timestamp;
