//! The OpenAPI schemas of the content, built at run time from the active content model with
//! utoipa's builders: one schema per section type (its content) and one per section type with
//! its system fields, `Section` and `SectionContent` as `oneOf`s with a `discriminator` on
//! `type`, the object types that fields name, and the page's metadata.
//!
//! The operations refer to these by name (`SectionContent`, `Section`, `SectionsDocument`,
//! `PageMeta`); [`add_content_schemas`] puts the model's under those names.

mod fields;
mod names;
mod pages;

use std::collections::BTreeSet;

use utoipa::openapi::schema::{
    AllOfBuilder, ArrayBuilder, Discriminator, ObjectBuilder, OneOfBuilder, Schema,
};
use utoipa::openapi::{OpenApi, Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::content::read::stored::LANDING;
use crate::model::definition::{Form, Model, Shape};
use crate::model::text::{Detail, Fig, Link, Target, Title};
use crate::model::{FieldError, Timestamp};

use fields::Builder;
pub use names::*;
use pages::{NEW_PAGE_META, NEW_SECTION, page_schemas, page_write_schemas, section_meta};

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
