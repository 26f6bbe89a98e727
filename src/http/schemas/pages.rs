//! The schemas of a page: its metadata, its system fields, and what writes of a page send.

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::fields::{Builder, format_schema};
use super::names::*;
use crate::model::Timestamp;
use crate::model::definition::{Field, Shape};

pub(super) const NEW_PAGE_META: &str = "NewPageMeta";
pub(super) const NEW_SECTION: &str = "NewSection";
pub(super) const METADATA_PATCH: &str = "MetadataPatch";

/// The bodies of the writes that create a page, add a section and patch a page's metadata, as
/// the content model has them: what the server always requires is `required`, and every key
/// it always refuses is refused (`additionalProperties: false`). Rules that only some pages have
/// (the landing page's required `identifier`) are the server's to check.
pub(super) fn page_write_schemas(builder: &mut Builder<'_>) -> Vec<(String, RefOr<Schema>)> {
    let model = builder.model;
    // Every metadata key of any page: the site's rules, and pages' own keys as optional.
    let mut metadata: indexmap::IndexMap<String, Field> = model.metadata.clone();
    for page in model.pages.values() {
        for (key, field) in &page.metadata {
            if !metadata.contains_key(key) {
                let mut field = field.clone();
                field.optional = true;
                metadata.insert(key.clone(), field);
            }
        }
    }
    let shape = |fields| Shape {
        fields,
        items: None,
        open: false,
    };
    let new_meta = builder.object(
        shape(&metadata),
        Some(
            "A new page's metadata: the site's metadata keys, those without which no page is \
             valid required",
        ),
    );
    // A merge patch: any key may be left out; `null` removes an optional one.
    let patchable: indexmap::IndexMap<String, Field> = metadata
        .iter()
        .map(|(key, field)| {
            let mut field = field.clone();
            field.nullable |= field.optional;
            field.optional = true;
            (key.clone(), field)
        })
        .collect();
    let mut patch = builder.object(
        shape(&patchable),
        Some(
            "A JSON Merge Patch (RFC 7396) of a page's metadata: each key a metadata key of the \
             content model (`null` removes an optional one); the page's system fields (`id`, \
             `path`, `url`, `format`), sent back as read, are ignored",
        ),
    );
    if let RefOr::T(Schema::Object(object)) = &mut patch {
        for system in crate::content::read::snapshot::PAGE_FIELDS {
            object.properties.insert(
                system.to_owned(),
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some("A system field: ignored"))
                    .into(),
            );
        }
        object.example = Some(serde_json::json!({"title": "Gen3 Workspaces"}));
    }
    // A section: one of the (id, type) pairs the model's rules give, site-wide or on a page.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for rule in model
        .sections
        .values()
        .chain(model.pages.values().flat_map(|p| p.sections.values()))
    {
        let pair = (rule.id.as_str(), rule.type_name.as_str());
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let mut section = OneOfBuilder::new().description(Some(
        "A section to add: its `id` (one the content model has for the page), its `type` and \
         content as `GET` returns them, and optionally its 1-based `position` (default: last).",
    ));
    for (id, type_name) in pairs {
        // The type's content schema with `id` and `position` beside its fields, and nothing
        // else: the server refuses unknown fields.
        let content = builder
            .named
            .iter()
            .find(|(name, _)| *name == pascal(type_name))
            .map(|(_, schema)| schema.clone());
        let Some(RefOr::T(Schema::Object(mut object))) = content else {
            continue;
        };
        object.properties.insert(
            "id".to_owned(),
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([id]))
                .into(),
        );
        object.required.insert(0, "id".to_owned());
        object.properties.insert(
            "position".to_owned(),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .into(),
        );
        object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        section = section.item(Schema::Object(object));
    }
    vec![
        (NEW_PAGE_META.to_owned(), new_meta),
        (METADATA_PATCH.to_owned(), patch),
        (NEW_SECTION.to_owned(), section.into()),
    ]
}

/// The system fields of every section.
pub(super) fn section_meta() -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(
            "The system fields of every section. They are read-only: a PUT may leave them out.",
        ))
        .property(
            "id",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[a-z][a-z0-9-]*$"))
                .description(Some(
                    "The section's id on its page, as the content model names it (`teaser`).",
                ))
                .read_only(true),
        )
        .required("id")
        .property(
            "position",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .description(Some("1-based place on the page."))
                .read_only(true),
        )
        .required("position")
        .property(
            "revision",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .description(Some("Incremented by every change; revision 1 is the seed."))
                .read_only(true),
        )
        .required("revision")
        .property("updated_at", by_name(&Timestamp::name()))
        .required("updated_at")
        .into()
}

/// The documents of the whole site: a page (`GET /pages/{id}`), the list of pages, the model.
pub(super) fn page_schemas() -> Vec<(String, RefOr<Schema>)> {
    let text = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    };
    let system = [
        (
            "id",
            "The page's id: its path under `content/` without the extension",
        ),
        ("path", "Its file under `content/`"),
        (
            "url",
            "Where Hugo publishes it (the path under the site's base URL)",
        ),
    ];
    let mut page = ObjectBuilder::new().description(Some(
        "The page's system fields, then its metadata (the front-matter keys that are not \
         sections, as the content model has them for this page)",
    ));
    for (name, description) in system {
        page = page.property(name, text(description)).required(name);
    }
    let page = page
        .property("format", format_schema())
        .required("format")
        .additional_properties(Some(AdditionalProperties::FreeForm(true)));
    let document = ObjectBuilder::new()
        .description(Some(
            "A page: its system fields and metadata, and its sections in page order.",
        ))
        .property("page", page)
        .required("page")
        .property(
            "sections",
            ArrayBuilder::new().items(Ref::from_schema_name(SECTION)),
        )
        .required("sections");
    let mut summary = ObjectBuilder::new().description(Some("A page in the list of pages"));
    for (name, description) in system {
        summary = summary.property(name, text(description)).required(name);
    }
    let summary = summary
        .property("format", format_schema())
        .required("format")
        .property(
            "title",
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .description(Some("Its `title` metadata; `null` if it has none")),
        )
        .required("title")
        .property(
            "sections",
            ArrayBuilder::new()
                .items(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("Its section ids, in page order")),
        )
        .required("sections")
        .property("updated_at", Timestamp::schema())
        .required("updated_at");
    let list = ObjectBuilder::new()
        .description(Some("One page of the list of pages, by id"))
        .property("pages", ArrayBuilder::new().items(summary))
        .required("pages")
        .property(
            "next",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(
                    "The `cursor` of the next page; `null` on the last one",
                )),
        )
        .required("next");
    let model = ObjectBuilder::new()
        .description(Some("The active content model and its version"))
        .property(
            "version",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1)),
        )
        .required("version")
        .property(
            "model",
            ObjectBuilder::new()
                .description(Some(
                    "The model, as `docs/model.md` describes it (JSON Schema: \
                     `docs/model.schema.json`)",
                ))
                .additional_properties(Some(AdditionalProperties::FreeForm(true))),
        )
        .required("model");
    vec![
        (PAGE_DOCUMENT.to_owned(), document.into()),
        (PAGE_LIST.to_owned(), list.into()),
        (MODEL_DOCUMENT.to_owned(), model.into()),
    ]
}
