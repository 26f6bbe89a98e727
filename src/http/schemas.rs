//! The OpenAPI schemas of the content, built at run time from the active content model with
//! utoipa's builders: one schema per section type (its content) and one per section type with
//! its system fields, `Section` and `SectionContent` as `oneOf`s with a `discriminator` on
//! `type`, the object types that fields name, and the page's metadata.
//!
//! The operations refer to these by name (`SectionContent`, `Section`, `SectionsDocument`,
//! `PageMeta`); [`add_content_schemas`] puts the model's under those names.

use std::collections::BTreeSet;

use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, ArrayBuilder, Discriminator, ObjectBuilder, OneOfBuilder,
    Schema, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::content::read::stored::LANDING;
use crate::model::definition::{Field, Form, Items, Kind, Model, Shape};
use crate::model::text::{ANY_TEXT_PATTERN, Detail, FREE_TEXT_MAX, Fig, Link, Target, Title};
use crate::model::{FieldError, Timestamp};

pub const SECTION: &str = "Section";
pub const SECTION_CONTENT: &str = "SectionContent";
pub const SECTIONS_DOCUMENT: &str = "SectionsDocument";
pub const PAGE_META: &str = "PageMeta";
pub const PAGE_DOCUMENT: &str = "PageDocument";
pub const PAGE_LIST: &str = "PageList";
pub const MODEL_DOCUMENT: &str = "ModelDocument";
const SECTION_META: &str = "SectionMeta";

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
fn pascal(name: &str) -> String {
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

/// Adds the content's schemas, as `model` says, to `api`'s components (replacing any of the same
/// name).
pub fn add_content_schemas(api: &mut OpenApi, model: &Model) {
    let mut builder = Builder {
        model,
        named: Vec::new(),
        wanted: BTreeSet::new(),
    };
    // Every type a section rule names, site-wide or on a page, once, by name.
    let section_types: BTreeSet<&str> = model
        .sections
        .values()
        .chain(model.pages.values().flat_map(|p| p.sections.values()))
        .map(|rule| rule.type_name.as_str())
        .collect();
    let mut content_union = OneOfBuilder::new().description(Some(
        "The content of a section, as a `PUT` carries it: its `type` tells which of the content \
         model's section types it is.",
    ));
    let mut section_union = OneOfBuilder::new().description(Some(
        "A section of a page: its system fields and its content, whose `type` tells which of the \
         content model's section types it is.",
    ));
    let mut content_discriminator = Discriminator::new("type");
    let mut section_discriminator = Discriminator::new("type");
    for name in &section_types {
        let content_name = pascal(name);
        let section_name = format!("{content_name}Section");
        let schema = builder.section_type(name);
        builder.named.push((content_name.clone(), schema));
        let both = AllOfBuilder::new()
            .item(by_name(SECTION_META))
            .item(by_name(&content_name));
        builder.named.push((section_name.clone(), both.into()));
        content_discriminator.mapping.insert(
            (*name).to_owned(),
            format!("#/components/schemas/{content_name}"),
        );
        section_discriminator.mapping.insert(
            (*name).to_owned(),
            format!("#/components/schemas/{section_name}"),
        );
        content_union = content_union.item(by_name(&content_name));
        section_union = section_union.item(by_name(&section_name));
    }
    builder.named.push((
        SECTION_CONTENT.to_owned(),
        content_union
            .discriminator(Some(content_discriminator))
            .into(),
    ));
    builder.named.push((
        SECTION.to_owned(),
        section_union
            .discriminator(Some(section_discriminator))
            .into(),
    ));
    builder
        .named
        .push((SECTION_META.to_owned(), section_meta()));
    let meta = builder.object(
        Shape {
            fields: &model
                .metadata_fields(LANDING)
                .into_iter()
                .map(|(k, f)| (k.to_owned(), f.clone()))
                .collect(),
            items: None,
            open: false,
        },
        None,
    );
    builder.named.push((PAGE_META.to_owned(), meta));
    let document = ObjectBuilder::new()
        .description(Some(
            "A whole page: its metadata and its sections in page order.",
        ))
        .property("page", by_name(PAGE_META))
        .required("page")
        .property(
            "sections",
            ArrayBuilder::new().items(Ref::from_schema_name(SECTION)),
        )
        .required("sections");
    builder
        .named
        .push((SECTIONS_DOCUMENT.to_owned(), document.into()));
    builder.named.extend(page_schemas());
    let writes = page_write_schemas(&mut builder);
    builder.named.extend(writes);
    // The object types that fields name, each once.
    while let Some(name) = builder.wanted.pop_first() {
        if builder.named.iter().any(|(n, _)| *n == pascal(&name)) {
            continue;
        }
        let Some(ty) = model.type_named(&name) else {
            continue;
        };
        if let Form::Object(shape) = ty.form() {
            let schema = builder.object(shape, ty.description.as_deref());
            builder.named.push((pascal(&name), schema));
        }
    }
    // The leaf types the text kinds refer to.
    let mut leaves: Vec<(String, RefOr<Schema>)> = Vec::new();
    for (name, schema) in [
        (Title::name(), Title::schema()),
        (Detail::name(), Detail::schema()),
        (Link::name(), Link::schema()),
        (Fig::name(), Fig::schema()),
        (Target::name(), Target::schema()),
        (Timestamp::name(), Timestamp::schema()),
        (FieldError::name(), FieldError::schema()),
    ] {
        leaves.push((name.into_owned(), schema));
    }
    let components = api.components.get_or_insert_with(Default::default);
    for (name, schema) in leaves.into_iter().chain(builder.named) {
        components.schemas.insert(name, schema);
    }
    // A new page's metadata and sections, as the model has them.
    if let Some(RefOr::T(Schema::Object(new_page))) = components.schemas.get_mut("NewPage") {
        new_page
            .properties
            .insert("page".to_owned(), by_name(NEW_PAGE_META));
        if !new_page.required.iter().any(|r| r == "page") {
            new_page.required.push("page".to_owned());
        }
        new_page.properties.insert(
            "sections".to_owned(),
            ArrayBuilder::new()
                .items(by_name(NEW_SECTION))
                .description(Some(
                    "Its sections in page order, each as `POST /pages/{id}/sections` takes it \
                     (with `id` and `type`); an id at most once",
                ))
                .into(),
        );
    }
}

const NEW_PAGE_META: &str = "NewPageMeta";
const NEW_SECTION: &str = "NewSection";
const METADATA_PATCH: &str = "MetadataPatch";

/// The bodies of the writes that create a page, add a section and patch a page's metadata, as
/// the content model has them: what the server always requires is `required`, and every key
/// it always refuses is refused (`additionalProperties: false`). Rules that only some pages have
/// (the landing page's required `identifier`) are the server's to check.
fn page_write_schemas(builder: &mut Builder<'_>) -> Vec<(String, RefOr<Schema>)> {
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
fn section_meta() -> RefOr<Schema> {
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

struct Builder<'m> {
    model: &'m Model,
    named: Vec<(String, RefOr<Schema>)>,
    /// Object types that fields refer to, still to be written.
    wanted: BTreeSet<String>,
}

impl Builder<'_> {
    /// A section type's content: `type`, then its form.
    fn section_type(&mut self, name: &str) -> RefOr<Schema> {
        let Some(ty) = self.model.type_named(name) else {
            return ObjectBuilder::new().into();
        };
        let tag = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([name]));
        let mut object = ObjectBuilder::new()
            .description(ty.description.clone())
            .property("type", tag)
            .required("type");
        match ty.form() {
            Form::Object(shape) => {
                object = self.properties(object, shape);
            }
            Form::Bare(bare) => {
                object = object
                    .property(&bare.field, self.field(&bare.of))
                    .required(&bare.field);
            }
            Form::List(list) => {
                let array = ArrayBuilder::new()
                    .items(self.field(&list.of))
                    .min_items(list.min)
                    .max_items(list.max.or(Some(1000)));
                let items: RefOr<Schema> = if list.nullable {
                    nullable(array.into())
                } else {
                    array.into()
                };
                object = object.property("items", items).required("items");
            }
        }
        // No `additionalProperties: false` here: `Section` combines this with the system fields
        // (`allOf`), which that would refuse. The server refuses unknown fields all the same.
        object.into()
    }

    /// An object's fields (and numbered items) as properties of `object`.
    fn properties(&mut self, mut object: ObjectBuilder, shape: Shape<'_>) -> ObjectBuilder {
        for (name, field) in shape.fields {
            let schema = self.field(field);
            object = object.property(name, schema);
            if !field.optional {
                object = object.required(name);
            }
        }
        if let Some(items) = shape.items {
            object = object
                .property("items", self.items(items))
                .required("items");
        }
        object
    }

    fn object(&mut self, shape: Shape<'_>, description: Option<&str>) -> RefOr<Schema> {
        let mut object = ObjectBuilder::new().description(description.map(str::to_owned));
        object = self.properties(object, shape);
        if !shape.open {
            object = object.additional_properties(Some(AdditionalProperties::FreeForm(false)));
        }
        object.into()
    }

    /// `items`: an array of the items, each with its `key`.
    fn items(&mut self, items: &Items) -> RefOr<Schema> {
        let key = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(format!(
                "The item's name in the page's front matter: {0} and digits ({0}1, {0}2, …); \
                 unique in its section.",
                items.prefix
            )))
            .pattern(Some(format!("^{}[0-9]+$", items.prefix)))
            .max_length(Some(32));
        let mut item = ObjectBuilder::new().property("key", key).required("key");
        match items.of.kind() {
            Kind::Object => {
                let shape = self.model.shape_of(&items.of);
                item = self.properties(item, shape);
                if !shape.open {
                    item = item.additional_properties(Some(AdditionalProperties::FreeForm(false)));
                }
            }
            _ => {
                item = item
                    .property("value", self.field(&items.of))
                    .required("value");
            }
        }
        let (min, max) = items.bounds();
        ArrayBuilder::new()
            .items(item)
            .min_items(Some(min))
            .max_items(Some(max))
            .into()
    }

    fn field(&mut self, field: &Field) -> RefOr<Schema> {
        let schema = self.field_schema(field);
        if field.nullable {
            nullable(schema)
        } else {
            schema
        }
    }

    fn field_schema(&mut self, field: &Field) -> RefOr<Schema> {
        let text = |name: std::borrow::Cow<'static, str>, schema: RefOr<Schema>| match field.max {
            // The shared schema, unless this field has a limit of its own.
            None => by_name(&name),
            Some(max) => match schema {
                RefOr::T(Schema::Object(mut object)) => {
                    object.max_length = Some(max);
                    RefOr::T(Schema::Object(object))
                }
                other => other,
            },
        };
        match field.kind() {
            Kind::ShortText => text(Title::name(), Title::schema()),
            Kind::LongText => text(Detail::name(), Detail::schema()),
            Kind::Link => text(Link::name(), Link::schema()),
            Kind::Figure => text(Fig::name(), Fig::schema()),
            Kind::Target => by_name(&Target::name()),
            Kind::Text => ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "Any text, as written (blank allowed); no control characters but tab and line feed.",
                ))
                .pattern(Some(ANY_TEXT_PATTERN))
                .max_length(Some(field.max.unwrap_or(FREE_TEXT_MAX)))
                .into(),
            Kind::Flag => ObjectBuilder::new().schema_type(Type::Boolean).into(),
            Kind::Number => ObjectBuilder::new().schema_type(Type::Number).into(),
            Kind::Any => ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .into(),
            Kind::List => ArrayBuilder::new()
                .items(self.field(field.of.as_deref().unwrap_or(&Field::default())))
                .min_items(field.min)
                .max_items(Some(field.max.unwrap_or(1000)))
                .into(),
            Kind::Object => match &field.type_name {
                Some(name) => {
                    self.wanted.insert(name.clone());
                    by_name(&pascal(name))
                }
                None => {
                    let shape = self.model.shape_of(field);
                    self.object(shape, field.description.as_deref())
                }
            },
        }
    }
}

/// `schema`, or `null`.
fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// A page file's front-matter format.
fn format_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["yaml", "toml", "json"]))
        .description(Some(
            "The format of its front matter, kept through every edit: `yaml` (between `---` \
             lines), `toml` (between `+++` lines) or `json` (an object that starts the file)",
        ))
}

/// The documents of the whole site: a page (`GET /pages/{id}`), the list of pages, the model.
fn page_schemas() -> Vec<(String, RefOr<Schema>)> {
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
