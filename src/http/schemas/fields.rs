//! A field of the model as a schema: its kind, its limits, its items.

use std::collections::BTreeSet;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::{PartialSchema, ToSchema};

use super::names::*;
use crate::model::definition::{Field, Form, Items, Kind, Model, Shape};
use crate::model::text::{ANY_TEXT_PATTERN, Detail, FREE_TEXT_MAX, Fig, Link, Target, Title};

pub(super) struct Builder<'m> {
    pub(super) model: &'m Model,
    pub(super) named: Vec<(String, RefOr<Schema>)>,
    /// Object types that fields refer to, still to be written.
    pub(super) wanted: BTreeSet<String>,
}

impl Builder<'_> {
    /// A section type's content: `type`, then its form.
    pub(super) fn section_type(&mut self, name: &str) -> RefOr<Schema> {
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
    pub(super) fn properties(
        &mut self,
        mut object: ObjectBuilder,
        shape: Shape<'_>,
    ) -> ObjectBuilder {
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

    pub(super) fn object(&mut self, shape: Shape<'_>, description: Option<&str>) -> RefOr<Schema> {
        let mut object = ObjectBuilder::new().description(description.map(str::to_owned));
        object = self.properties(object, shape);
        if !shape.open {
            object = object.additional_properties(Some(AdditionalProperties::FreeForm(false)));
        }
        object.into()
    }

    /// `items`: an array of the items, each with its `key`.
    pub(super) fn items(&mut self, items: &Items) -> RefOr<Schema> {
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

    pub(super) fn field(&mut self, field: &Field) -> RefOr<Schema> {
        let schema = self.field_schema(field);
        if field.nullable {
            nullable(schema)
        } else {
            schema
        }
    }

    pub(super) fn field_schema(&mut self, field: &Field) -> RefOr<Schema> {
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
pub(super) fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// A page file's front-matter format.
pub(super) fn format_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["yaml", "toml", "json"]))
        .description(Some(
            "The format of its front matter, kept through every edit: `yaml` (between `---` \
             lines), `toml` (between `+++` lines) or `json` (an object that starts the file)",
        ))
}
