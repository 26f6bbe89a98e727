//! The names the operations refer to the content's schemas by, and references to them.

use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

pub const SECTION: &str = "Section";
pub const SECTION_CONTENT: &str = "SectionContent";
pub const SECTIONS_DOCUMENT: &str = "SectionsDocument";
pub const PAGE_META: &str = "PageMeta";
pub const PAGE_DOCUMENT: &str = "PageDocument";
pub const PAGE_LIST: &str = "PageList";
pub const MODEL_DOCUMENT: &str = "ModelDocument";
pub(super) const SECTION_META: &str = "SectionMeta";

/// Declares a type that stands, in an operation's annotation, for the model-built schema of
/// that name (its `schema()` is the reference; [`add_content_schemas`] supplies the schema).
macro_rules! model_schema {
    ($(#[$meta:meta])* $type:ident = $name:expr) => {
        $(#[$meta])*
        pub struct $type;

        impl PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                by_name($name)
            }
        }

        impl ToSchema for $type {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
        }
    };
}

model_schema!(
    /// A section's content (`PUT` body, a revision's content).
    SectionContentSchema = SECTION_CONTENT
);

/// A schema by reference to a component.
pub fn by_name(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

/// `FooBar` of `foo-bar`: a type's name as a schema name.
pub(super) fn pascal(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
