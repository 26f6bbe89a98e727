//! The page and its sections as types that can only hold valid content. No HTTP, no SQL here.

pub mod content;
pub mod hugo;
pub mod page;
pub mod parse;
#[cfg(test)]
mod properties;
pub mod section;
pub mod text;
pub mod timestamp;

pub use page::{Page, PageMeta};
pub use parse::{Errors, FieldError, Parse, Pointer};
pub use section::{SectionContent, SectionId};
pub use timestamp::Timestamp;
