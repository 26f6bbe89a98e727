//! A section checked against its type, with the messages of the typed landing page.

use serde_json::Value;

use crate::model::definition::{Field, Form, Items, Kind, Model, Shape};
use crate::model::parse::{Errors, Fields, Pointer, kind, string};
use crate::model::text::{
    Detail, FREE_TEXT_MAX, Fig, Link, Target, Title, any_text, is_item_key, text_problem,
};

impl Model {
    /// Checks a section's content (API shape) against type `type_name`, reporting every
    /// offending field under `at`. `type` may be left out; when given it must be the type's.
    pub fn check_section(
        &self,
        type_name: &str,
        content: &Value,
        at: &Pointer,
        errors: &mut Errors,
    ) {
        let Some(ty) = self.type_named(type_name) else {
            errors.push(at, format!("the content model has no type {type_name}"));
            return;
        };
        let Some(mut fields) = Fields::of(content, at, errors) else {
            return;
        };
        if let Some(given) = fields.take("type") {
            let at = at.child("type");
            if string(given, &at, errors).is_some_and(|s| s != type_name) {
                errors.push(&at, format!("must be \"{type_name}\", the section's type"));
            }
        }
        match ty.form() {
            Form::Object(shape) => self.check_shape(shape, &mut fields, errors),
            Form::Bare(bare) => self.take_field(&mut fields, &bare.field, &bare.of, errors),
            Form::List(list) => match fields.take("items") {
                None => errors.push(&at.child("items"), "is required"),
                Some(Value::Null) if list.nullable => {}
                Some(value) => {
                    let as_field = Field {
                        kind: Some(Kind::List),
                        min: list.min,
                        max: list.max,
                        of: Some(Box::new(list.of.clone())),
                        ..Field::default()
                    };
                    self.check_field(&as_field, value, &at.child("items"), errors);
                }
            },
        }
        fields.finish(errors);
    }

    /// The fields of an object (and its items); the caller finishes `fields`.
    pub(super) fn check_shape(
        &self,
        shape: Shape<'_>,
        fields: &mut Fields<'_>,
        errors: &mut Errors,
    ) {
        for (name, field) in shape.fields {
            self.take_field(fields, name, field, errors);
        }
        if let Some(items) = shape.items {
            match fields.take("items") {
                Some(value) => self.check_items(items, value, &fields.at.child("items"), errors),
                None => errors.push(&fields.at.child("items"), "is required"),
            }
        }
        if shape.open {
            fields.take_all();
        }
    }

    pub(super) fn take_field(
        &self,
        fields: &mut Fields<'_>,
        name: &str,
        field: &Field,
        errors: &mut Errors,
    ) {
        match fields.take(name) {
            Some(value) => self.check_field(field, value, &fields.at.child(name), errors),
            None if field.optional => {}
            None => errors.push(&fields.at.child(name), "is required"),
        }
    }

    pub(super) fn check_items(
        &self,
        items: &Items,
        value: &Value,
        at: &Pointer,
        errors: &mut Errors,
    ) {
        let Value::Array(elements) = value else {
            errors.push(at, format!("must be an array, not {}", kind(value)));
            return;
        };
        let (min, max) = items.bounds();
        if elements.len() < min || elements.len() > max {
            errors.push(
                at,
                format!("must hold {min} to {max} items, not {}", elements.len()),
            );
            return;
        }
        let mut keys: Vec<&str> = Vec::with_capacity(elements.len());
        for (i, element) in elements.iter().enumerate() {
            let at = at.child(i);
            let key = element
                .get("key")
                .and_then(Value::as_str)
                .filter(|k| items.matches(k));
            if let Some(key) = key {
                if keys.contains(&key) {
                    errors.push(
                        &at.child("key"),
                        format!("duplicates the key {key} of an earlier item"),
                    );
                }
                keys.push(key);
            }
            let Some(mut fields) = Fields::of(element, &at, errors) else {
                continue;
            };
            match fields.take("key") {
                None => errors.push(&at.child("key"), "is required"),
                Some(key) => {
                    let key_at = at.child("key");
                    if let Some(key) = string(key, &key_at, errors)
                        && !items.matches(key)
                    {
                        let detail = if is_item_key(key) || key.is_empty() {
                            format!(
                                "must be {} followed by digits, such as {}1",
                                items.prefix, items.prefix
                            )
                        } else {
                            "must be lower-case letters followed by digits, such as c12".to_owned()
                        };
                        errors.push(&key_at, detail);
                    }
                }
            }
            if items.of.kind() == Kind::Object {
                self.check_shape(self.shape_of(&items.of), &mut fields, errors);
            } else {
                self.take_field(&mut fields, "value", &items.of, errors);
            }
            fields.finish(errors);
        }
    }

    /// Checks one value against a field's rules.
    pub fn check_field(&self, field: &Field, value: &Value, at: &Pointer, errors: &mut Errors) {
        if value.is_null() && field.nullable {
            return;
        }
        let text = |errors: &mut Errors,
                    max: usize,
                    blank_ok: bool,
                    check: fn(&str) -> Result<(), &'static str>| {
            if let Some(s) = string(value, at, errors)
                && let Some(problem) = text_problem(
                    s,
                    field.max.unwrap_or(max),
                    blank_ok,
                    errors.refuses_controls(),
                    check,
                )
            {
                errors.push(at, problem);
            }
        };
        match field.kind() {
            // The rules of the text types, whose schemas the OpenAPI document publishes.
            Kind::ShortText => text(errors, Title::MAX, false, Title::CHECK),
            Kind::LongText => text(errors, Detail::MAX, false, Detail::CHECK),
            Kind::Text => text(errors, FREE_TEXT_MAX, true, any_text),
            Kind::Link => text(errors, Link::MAX, false, Link::CHECK),
            Kind::Figure => text(errors, Fig::MAX, false, Fig::CHECK),
            Kind::Target => {
                <Target as crate::model::parse::Parse>::parse(value, at, errors);
            }
            Kind::Flag => {
                if !value.is_boolean() {
                    errors.push(at, format!("must be a boolean, not {}", kind(value)));
                }
            }
            Kind::Number => {
                if !value.is_number() {
                    errors.push(at, format!("must be a number, not {}", kind(value)));
                }
            }
            Kind::Any => {}
            Kind::Object => {
                if let Some(mut fields) = Fields::of(value, at, errors) {
                    self.check_shape(self.shape_of(field), &mut fields, errors);
                    fields.finish(errors);
                }
            }
            Kind::List => {
                let Value::Array(elements) = value else {
                    errors.push(at, format!("must be an array, not {}", kind(value)));
                    return;
                };
                let (min, max) = (field.min.unwrap_or(0), field.max.unwrap_or(1000));
                if elements.len() < min || elements.len() > max {
                    errors.push(
                        at,
                        format!("must hold {min} to {max} items, not {}", elements.len()),
                    );
                    return;
                }
                let of = field.of.as_deref().cloned().unwrap_or_default();
                for (i, element) in elements.iter().enumerate() {
                    self.check_field(&of, element, &at.child(i), errors);
                }
            }
        }
    }
}
