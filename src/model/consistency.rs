//! What a schema cannot say about a content model: every type named exists, ids are unique,
//! reserved field names are free, limits are in order. Each problem with a JSON Pointer into the
//! file.

use super::definition::{Field, Form, Kind, Model, SectionRule, Shape};
use super::parse::{FieldError, Pointer};

impl Model {
    /// What the schema cannot check: references between the parts of the file.
    pub(super) fn consistency(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut push = |at: &Pointer, detail: String| {
            errors.push(FieldError {
                pointer: at.as_str().to_owned(),
                detail,
            })
        };
        let root = Pointer::root();
        // Section rules: the type exists and is not itself used only for fields; ids are unique
        // on every page.
        let mut rules = vec![(root.child("sections"), &self.sections, None)];
        for (page, rule) in &self.pages {
            rules.push((
                root.child("pages").child(page).child("sections"),
                &rule.sections,
                Some(page),
            ));
        }
        for (at, sections, page) in &rules {
            for (key, rule) in *sections {
                let at = at.child(key);
                match self.types.get(&rule.type_name) {
                    None => push(
                        &at.child("type"),
                        format!("names no type: {}", rule.type_name),
                    ),
                    Some(ty) => {
                        if ty.fields.contains_key("type") && ty.bare.is_none() {
                            push(
                                &at.child("type"),
                                format!(
                                    "{} has a field `type`, which a section uses for its type",
                                    rule.type_name
                                ),
                            );
                        }
                    }
                }
                let mut effective: Vec<(&String, &SectionRule)> = self.sections.iter().collect();
                if let Some(page) = page {
                    for (k, r) in &self.pages[page.as_str()].sections {
                        match effective.iter_mut().find(|(key, _)| *key == k) {
                            Some(slot) => slot.1 = r,
                            None => effective.push((k, r)),
                        }
                    }
                }
                if let Some((other, _)) =
                    effective.iter().find(|(k, r)| *k != key && r.id == rule.id)
                {
                    push(
                        &at.child("id"),
                        format!("{} is also the id of {other}", rule.id),
                    );
                }
            }
        }
        for (name, field) in &self.metadata {
            self.lint_field(field, &root.child("metadata").child(name), &mut push);
        }
        for (page, rule) in &self.pages {
            for (name, field) in &rule.metadata {
                let at = root
                    .child("pages")
                    .child(page)
                    .child("metadata")
                    .child(name);
                self.lint_field(field, &at, &mut push);
            }
        }
        for (name, ty) in &self.types {
            let at = root.child("types").child(name);
            match ty.form() {
                Form::Object(shape) => self.lint_shape(shape, &at, &mut push),
                Form::Bare(bare) => {
                    self.lint_field(&bare.of, &at.child("bare").child("of"), &mut push)
                }
                Form::List(list) => {
                    self.lint_field(&list.of, &at.child("list").child("of"), &mut push);
                    check_bounds(list.min, list.max, &at.child("list"), &mut push);
                }
            }
        }
        errors
    }

    fn lint_shape(&self, shape: Shape<'_>, at: &Pointer, push: &mut impl FnMut(&Pointer, String)) {
        for (name, field) in shape.fields {
            self.lint_field(field, &at.child("fields").child(name), push);
        }
        if let Some(items) = shape.items {
            let at = at.child("items");
            if shape.fields.contains_key("items") {
                push(
                    &at,
                    "a type with numbered items cannot also have a field `items`".to_owned(),
                );
            }
            if let Some(name) = shape.fields.keys().find(|name| items.matches(name)) {
                push(
                    &at.child("prefix"),
                    format!("the field {name} would read as an item"),
                );
            }
            check_bounds(items.min, items.max, &at, push);
            self.lint_field(&items.of, &at.child("of"), push);
            if items.of.kind() == Kind::Object
                && self.shape_of(&items.of).fields.contains_key("key")
            {
                push(
                    &at.child("of"),
                    "an item's fields cannot include `key`, which names the item".to_owned(),
                );
            }
        }
    }

    fn lint_field(&self, field: &Field, at: &Pointer, push: &mut impl FnMut(&Pointer, String)) {
        let kind = field.kind();
        let nested = field.type_name.is_some() || !field.fields.is_empty() || field.items.is_some();
        if nested && kind != Kind::Object {
            push(
                at,
                "only an object has `type`, `fields` or `items`".to_owned(),
            );
        }
        if field.of.is_some() != (kind == Kind::List) {
            push(
                at,
                "a list, and only a list, says what it holds with `of`".to_owned(),
            );
        }
        if (field.min.is_some() || field.max.is_some()) && !(kind.is_text() || kind == Kind::List) {
            push(at, "only texts and lists have `min` and `max`".to_owned());
        }
        check_bounds(field.min, field.max, at, push);
        if let Some(name) = &field.type_name {
            match self.types.get(name) {
                None => push(&at.child("type"), format!("names no type: {name}")),
                Some(ty) if !matches!(ty.form(), Form::Object(_)) => {
                    push(&at.child("type"), format!("{name} is not an object type"))
                }
                Some(_) => {}
            }
            if !field.fields.is_empty() || field.items.is_some() {
                push(
                    at,
                    "an object has a `type` or its own `fields` and `items`, not both".to_owned(),
                );
            }
        } else if kind == Kind::Object {
            self.lint_shape(self.shape_of(field), at, push);
        }
        if let Some(of) = &field.of {
            self.lint_field(of, &at.child("of"), push);
        }
    }
}

fn check_bounds(
    min: Option<usize>,
    max: Option<usize>,
    at: &Pointer,
    push: &mut impl FnMut(&Pointer, String),
) {
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        push(&at.child("min"), format!("is more than max ({max})"));
    }
}
