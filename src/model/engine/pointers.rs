//! Pointers between the two shapes of a section: a problem found in the API shape pointed at in
//! the front matter, and a path in the front matter as a pointer into the API shape.

use serde_json::Value;

use crate::model::definition::{Field, Form, Kind, Model, Shape};
use crate::model::page::SectionContent;
use crate::model::parse::Pointer;

impl Model {
    /// Where the front-matter path `path` (below the section's own key, spelled as the front
    /// matter spells it) is in the section's API content: `c2/title` of a commons section is
    /// `/items/0/title`. The inverse of [`Model::front_pointer`].
    pub fn api_pointer(&self, content: &SectionContent, path: &[String]) -> String {
        let mut at = Pointer::root();
        let Some(ty) = self.type_named(content.type_name()) else {
            return at.as_str().to_owned();
        };
        let value = content.value();
        match ty.form() {
            Form::Bare(bare) => at = at.child(&bare.field),
            Form::List(list) => {
                at = at.child("items");
                self.api_list_pointer(&list.of, &value["items"], path, &mut at);
            }
            Form::Object(shape) => self.api_shape_pointer(shape, value, path, &mut at),
        }
        at.as_str().to_owned()
    }

    pub(super) fn api_shape_pointer(
        &self,
        shape: Shape<'_>,
        value: &Value,
        path: &[String],
        at: &mut Pointer,
    ) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        match (shape.fields.get(first.as_str()), shape.items) {
            (None, Some(items)) if items.matches(first) => {
                let elements = value["items"].as_array();
                let index = elements.and_then(|e| e.iter().position(|item| item["key"] == **first));
                let Some(index) = index else {
                    *at = at.child("items");
                    return;
                };
                *at = at.child("items").child(index);
                let element = &value["items"][index];
                match items.of.kind() {
                    Kind::Object => {
                        self.api_shape_pointer(self.shape_of(&items.of), element, rest, at)
                    }
                    _ => *at = at.child("value"),
                }
            }
            (Some(field), _) => {
                *at = at.child(first);
                match field.kind() {
                    Kind::Object => self.api_shape_pointer(
                        self.shape_of(field),
                        &value[first.as_str()],
                        rest,
                        at,
                    ),
                    Kind::List => self.api_list_pointer(
                        field.of.as_deref().unwrap_or(&Field::default()),
                        &value[first.as_str()],
                        rest,
                        at,
                    ),
                    _ => {}
                }
            }
            (None, _) => {
                for token in path {
                    *at = at.child(token);
                }
            }
        }
    }

    pub(super) fn api_list_pointer(
        &self,
        of: &Field,
        value: &Value,
        path: &[String],
        at: &mut Pointer,
    ) {
        let Some((index, rest)) = path.split_first() else {
            return;
        };
        *at = at.child(index);
        if of.kind() == Kind::Object {
            let element = index
                .parse::<usize>()
                .ok()
                .and_then(|i| value.get(i))
                .unwrap_or(&Value::Null);
            self.api_shape_pointer(self.shape_of(of), element, rest, at);
        }
    }

    /// Where `pointer` (into a section's API content) is in the section's front-matter value:
    /// `/items/3/link` of `commons` is `/c5/link`.
    pub fn front_pointer(&self, type_name: &str, content: &Value, pointer: &str) -> String {
        let tokens: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let Some(ty) = self.type_named(type_name) else {
            return pointer.to_owned();
        };
        let mut out = Pointer::root();
        match ty.form() {
            Form::Object(shape) => self.shape_pointer(shape, content, &tokens, &mut out),
            Form::Bare(_) => {}
            Form::List(list) => {
                if tokens.first().map(String::as_str) == Some("items") {
                    self.list_pointer(&list.of, &content["items"], &tokens[1..], &mut out);
                }
            }
        }
        out.as_str().to_owned()
    }

    pub(super) fn shape_pointer(
        &self,
        shape: Shape<'_>,
        content: &Value,
        tokens: &[String],
        out: &mut Pointer,
    ) {
        let Some((first, rest)) = tokens.split_first() else {
            return;
        };
        match (shape.items, shape.fields.get(first.as_str())) {
            (Some(items), None) if first == "items" => {
                let Some((index, rest)) = rest.split_first() else {
                    return;
                };
                let element = index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| content["items"].get(i));
                let Some(element) = element else {
                    return;
                };
                match element["key"].as_str() {
                    Some(key) => *out = out.child(key),
                    None => return,
                }
                match rest.first().map(String::as_str) {
                    None | Some("key") | Some("value") => {}
                    Some(_) if items.of.kind() == Kind::Object => {
                        self.shape_pointer(self.shape_of(&items.of), element, rest, out)
                    }
                    Some(_) => {}
                }
            }
            (_, Some(field)) => {
                *out = out.child(first);
                self.field_pointer(field, &content[first.as_str()], rest, out);
            }
            _ => {
                *out = out.child(first);
                for token in rest {
                    *out = out.child(token);
                }
            }
        }
    }

    pub(super) fn field_pointer(
        &self,
        field: &Field,
        value: &Value,
        tokens: &[String],
        out: &mut Pointer,
    ) {
        match field.kind() {
            Kind::Object => self.shape_pointer(self.shape_of(field), value, tokens, out),
            Kind::List => self.list_pointer(
                field.of.as_deref().unwrap_or(&Field::default()),
                value,
                tokens,
                out,
            ),
            _ => {
                for token in tokens {
                    *out = out.child(token);
                }
            }
        }
    }

    pub(super) fn list_pointer(
        &self,
        of: &Field,
        value: &Value,
        tokens: &[String],
        out: &mut Pointer,
    ) {
        let Some((index, rest)) = tokens.split_first() else {
            return;
        };
        *out = out.child(index);
        let element = index
            .parse::<usize>()
            .ok()
            .and_then(|i| value.get(i))
            .unwrap_or(&Value::Null);
        self.field_pointer(of, element, rest, out);
    }
}
