//! The JSON documents the read endpoints serve.

use serde::Serialize;
use serde::Serializer;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use crate::content::read::stored::Version;
use crate::model::{Errors, FieldError, Model, Pointer, SectionContent, Timestamp};

/// A whole page: its metadata and its sections in page order.
#[derive(Debug, Clone, Serialize)]
pub struct SectionsDocument {
    pub page: Map<String, Value>,
    pub sections: Vec<Section>,
}

/// The system fields of every section. They are read-only: a PUT may leave them out.
#[derive(Debug, Clone)]
pub struct SectionMeta {
    pub id: String,
    /// 1-based place on the page.
    pub position: u32,
    /// Incremented by every change; revision 1 is the seed.
    pub revision: i64,
    /// When the current revision was stored.
    pub updated_at: Timestamp,
}

/// A section of a page: its system fields and its content.
#[derive(Debug, Clone)]
pub struct Section {
    pub meta: SectionMeta,
    pub content: SectionContent,
}

impl Section {
    pub fn new(id: &str, position: usize, version: Version, content: SectionContent) -> Self {
        let meta = SectionMeta {
            id: id.to_owned(),
            position: position as u32 + 1,
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
    /// `id` (of type `type_name`) to hold. Every offending field is reported, each with a pointer
    /// into `body`.
    pub fn parse_body(
        model: &Model,
        id: &str,
        type_name: &str,
        body: &Value,
    ) -> Result<SectionContent, Vec<FieldError>> {
        let mut errors = Errors::default();
        let root = Pointer::root();
        let content = match body {
            Value::Object(fields) => {
                if let Some(sent) = fields.get("id")
                    && sent.as_str() != Some(id)
                {
                    errors.push(
                        &root.child("id"),
                        format!("must be \"{id}\", the id of the section being written"),
                    );
                }
                let mut fields = fields.clone();
                fields.retain(|key, _| !READ_ONLY.contains(&key.as_str()));
                model.section(type_name, &Value::Object(fields), &root, &mut errors)
            }
            other => model.section(type_name, other, &root, &mut errors),
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
        let Value::Object(content) = self.content.value() else {
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
