//! The JSON documents the read endpoints serve, and their schemas.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{AllOfBuilder, Discriminator, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use serde_json::Value;

use crate::content::store::Version;
use crate::model::{Errors, FieldError, PageMeta, Pointer, SectionContent, SectionId, Timestamp};

/// The whole landing page: its metadata and its nine sections in page order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionsDocument {
    pub page: PageMeta,
    pub sections: Vec<Section>,
}

/// The system fields of every section. They are read-only: a PUT may leave them out.
#[derive(Debug, Clone, ToSchema)]
pub struct SectionMeta {
    /// The section's id; each section type occurs once, so the id equals the type.
    #[schema(read_only)]
    pub id: SectionId,
    /// 1-based place on the page.
    #[schema(read_only, minimum = 1, maximum = 9)]
    pub position: u32,
    /// Incremented by every change; revision 1 is the seed.
    #[schema(read_only, minimum = 1)]
    pub revision: i64,
    /// When the current revision was stored.
    #[schema(read_only)]
    pub updated_at: Timestamp,
}

/// A section of the landing page: its system fields and its content.
#[derive(Debug, Clone)]
pub struct Section {
    pub meta: SectionMeta,
    pub content: SectionContent,
}

impl Section {
    pub fn new(id: SectionId, version: Version, content: SectionContent) -> Self {
        let meta = SectionMeta {
            id,
            position: id.position(),
            revision: version.revision,
            updated_at: version.updated_at,
        };
        Self { meta, content }
    }
}

/// System fields a client may send back exactly as `GET` returned them. A write ignores them,
/// except that an `id` other than the section's is an error.
const READ_ONLY: [&str; 4] = ["id", "position", "revision", "updated_at"];

impl Section {
    /// The content that a `PUT` body, or a `PATCH` merged onto the current content, asks section
    /// `id` to hold. Every offending field is reported, each with a pointer into `body`.
    pub fn parse_body(id: SectionId, body: &Value) -> Result<SectionContent, Vec<FieldError>> {
        let mut errors = Errors::default();
        let root = Pointer::root();
        let content = match body {
            Value::Object(fields) => {
                if let Some(sent) = fields.get("id")
                    && sent.as_str() != Some(id.as_str())
                {
                    errors.push(
                        &root.child("id"),
                        format!("must be \"{id}\", the id of the section being written"),
                    );
                }
                let mut fields = fields.clone();
                fields.retain(|key, _| !READ_ONLY.contains(&key.as_str()));
                SectionContent::parse_as(id, &Value::Object(fields), &root, &mut errors)
            }
            other => SectionContent::parse_as(id, other, &root, &mut errors),
        };
        match content {
            Some(content) if errors.is_empty() => Ok(content),
            _ => Err(errors.into_vec()),
        }
    }
}

/// By hand for the contract's key order: `id`, `type`, the other system fields, then the content.
/// Runs once per change, not per request.
impl Serialize for Section {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let serde_json::Value::Object(content) = self.content.to_value() else {
            return Err(serde::ser::Error::custom(
                "section content is always an object",
            ));
        };
        let mut map = serializer.serialize_map(Some(content.len() + 4))?;
        map.serialize_entry("id", &self.meta.id)?;
        map.serialize_entry("type", &content["type"])?;
        map.serialize_entry("position", &self.meta.position)?;
        map.serialize_entry("revision", &self.meta.revision)?;
        map.serialize_entry("updated_at", &self.meta.updated_at)?;
        for (key, value) in content.iter().filter(|(key, _)| *key != "type") {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The name of the schema of section `id` with its system fields: `TeaserSection`, ….
fn section_schema_name(id: SectionId) -> String {
    format!("{}Section", id.content_schema_name())
}

/// A `oneOf` over the nine section types with a `discriminator` on `type`, so that generated
/// clients get a tagged union; each member is `allOf` the system fields and that type's content.
impl PartialSchema for Section {
    fn schema() -> RefOr<Schema> {
        let mut discriminator = Discriminator::new("type");
        let mut one_of = OneOfBuilder::new().description(Some(
            "A section of the landing page: its system fields and its content, whose `type` tells \
             which of the nine section types it is.",
        ));
        for id in SectionId::ALL {
            let name = section_schema_name(id);
            discriminator.mapping.insert(
                id.as_str().to_owned(),
                format!("#/components/schemas/{name}"),
            );
            one_of = one_of.item(Ref::from_schema_name(name));
        }
        one_of.discriminator(Some(discriminator)).into()
    }
}

impl ToSchema for Section {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Section")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((SectionMeta::name().into(), SectionMeta::schema()));
        <SectionMeta as ToSchema>::schemas(schemas);
        for id in SectionId::ALL {
            let both = AllOfBuilder::new()
                .item(Ref::from_schema_name(SectionMeta::name()))
                .item(Ref::from_schema_name(id.content_schema_name()));
            schemas.push((section_schema_name(id), both.into()));
        }
        schemas.push((SectionContent::name().into(), SectionContent::schema()));
        <SectionContent as ToSchema>::schemas(schemas);
    }
}
