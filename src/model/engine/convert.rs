//! A section between its two shapes: the front matter as the site team writes it and the API's
//! object (see the module above), both ways, and in the model's order.

use serde_json::{Map, Value};

use crate::model::definition::{Field, Form, Items, Kind, Model, Shape};

/// How an object is reshaped: to the API, to the front matter, into the model's order.
type Reshape = for<'s> fn(&Model, Shape<'s>, &Value) -> Value;

impl Model {
    /// A section's front-matter value in the API's shape, without judging it.
    pub fn to_api(&self, type_name: &str, value: &Value) -> Value {
        let Some(ty) = self.type_named(type_name) else {
            return value.clone();
        };
        let typed = |rest: Vec<(String, Value)>| {
            let mut map = Map::new();
            map.insert("type".to_owned(), Value::from(type_name));
            map.extend(rest);
            Value::Object(map)
        };
        match ty.form() {
            Form::Object(shape) => match value {
                Value::Object(_) => match self.object_to_api(shape, value) {
                    Value::Object(map) => typed(map.into_iter().collect()),
                    other => other,
                },
                other => other.clone(),
            },
            Form::Bare(bare) => typed(vec![(
                bare.field.clone(),
                self.per_object(&bare.of, value, Self::object_to_api),
            )]),
            Form::List(list) => typed(vec![(
                "items".to_owned(),
                self.per_element(&list.of, value, Self::object_to_api),
            )]),
        }
    }

    /// A section's API content as its front-matter value.
    pub fn to_front(&self, type_name: &str, content: &Value) -> Value {
        let Some(ty) = self.type_named(type_name) else {
            return content.clone();
        };
        match ty.form() {
            Form::Object(shape) => {
                let mut content = content.clone();
                if let Some(map) = content.as_object_mut() {
                    map.shift_remove("type");
                }
                self.object_to_front(shape, &content)
            }
            Form::Bare(bare) => self.per_object(
                &bare.of,
                &content[bare.field.as_str()],
                Self::object_to_front,
            ),
            Form::List(list) => {
                self.per_element(&list.of, &content["items"], Self::object_to_front)
            }
        }
    }

    /// `value` (of `field`) with `object` applied to every object in it, through lists; other
    /// values as they are. The one walk that reshaping to the API, to the front matter and into
    /// the model's order share.
    pub(super) fn per_object(&self, field: &Field, value: &Value, object: Reshape) -> Value {
        match field.kind() {
            Kind::Object => object(self, self.shape_of(field), value),
            Kind::List => {
                let of = field.of.as_deref().cloned().unwrap_or_default();
                self.per_element(&of, value, object)
            }
            _ => value.clone(),
        }
    }

    /// A list's elements, each through [`Model::per_object`].
    pub(super) fn per_element(&self, of: &Field, value: &Value, object: Reshape) -> Value {
        match value {
            Value::Array(elements) => Value::Array(
                elements
                    .iter()
                    .map(|v| self.per_object(of, v, object))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    pub(super) fn object_to_api(&self, shape: Shape<'_>, value: &Value) -> Value {
        let Value::Object(map) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        let mut items = Vec::new();
        for (key, value) in map {
            match (shape.fields.get(key), shape.items) {
                (Some(field), _) => {
                    out.insert(
                        key.clone(),
                        self.per_object(field, value, Self::object_to_api),
                    );
                }
                (None, Some(numbered)) if numbered.matches(key) => {
                    // `items` stands where the first item stood.
                    out.entry("items").or_insert(Value::Null);
                    items.push(self.item_to_api(numbered, key, value));
                }
                (None, _) => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if shape.items.is_some() {
            out.insert("items".to_owned(), Value::Array(items));
        }
        Value::Object(out)
    }

    pub(super) fn item_to_api(&self, items: &Items, key: &str, value: &Value) -> Value {
        let mut element = Map::new();
        element.insert("key".to_owned(), Value::from(key));
        match (
            items.of.kind(),
            self.per_object(&items.of, value, Self::object_to_api),
        ) {
            (Kind::Object, Value::Object(fields)) => element.extend(fields),
            (_, value) => {
                element.insert("value".to_owned(), value);
            }
        }
        Value::Object(element)
    }

    pub(super) fn object_to_front(&self, shape: Shape<'_>, content: &Value) -> Value {
        let Value::Object(map) = content else {
            return content.clone();
        };
        let mut out = Map::new();
        for (key, value) in map {
            match (shape.fields.get(key), shape.items) {
                (Some(field), _) => {
                    out.insert(
                        key.clone(),
                        self.per_object(field, value, Self::object_to_front),
                    );
                }
                (None, Some(numbered)) if key == "items" => {
                    for element in value.as_array().into_iter().flatten() {
                        let name = element["key"].as_str().unwrap_or_default().to_owned();
                        let value = match numbered.of.kind() {
                            Kind::Object => {
                                let mut fields = element.clone();
                                if let Some(map) = fields.as_object_mut() {
                                    map.shift_remove("key");
                                }
                                self.per_object(&numbered.of, &fields, Self::object_to_front)
                            }
                            _ => element["value"].clone(),
                        };
                        out.insert(name, value);
                    }
                }
                (None, _) => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// `value` with its keys in the model's order: `type`, the fields as the type lists them,
    /// `items`, then what an open type keeps; an item's `key` first.
    pub(super) fn normalize(&self, type_name: &str, value: &Value) -> Value {
        let Some(ty) = self.type_named(type_name) else {
            return value.clone();
        };
        let mut out = Map::new();
        out.insert("type".to_owned(), Value::from(type_name));
        match ty.form() {
            Form::Object(shape) => {
                if let Value::Object(ordered) = self.normalize_object(shape, value) {
                    out.extend(ordered);
                }
            }
            Form::Bare(bare) => {
                out.insert(bare.field.clone(), value[bare.field.as_str()].clone());
            }
            Form::List(list) => {
                let items = &value["items"];
                out.insert(
                    "items".to_owned(),
                    self.per_element(&list.of, items, Self::normalize_object),
                );
            }
        }
        Value::Object(out)
    }

    pub(super) fn normalize_object(&self, shape: Shape<'_>, value: &Value) -> Value {
        let Value::Object(map) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (name, field) in shape.fields {
            if let Some(v) = map.get(name) {
                out.insert(
                    name.clone(),
                    self.per_object(field, v, Self::normalize_object),
                );
            }
        }
        if let (Some(items), Some(Value::Array(elements))) = (shape.items, map.get("items")) {
            let elements = elements
                .iter()
                .map(|element| {
                    let mut item = Map::new();
                    item.insert("key".to_owned(), element["key"].clone());
                    match items.of.kind() {
                        Kind::Object => {
                            let shape = self.shape_of(&items.of);
                            if let Value::Object(fields) = self.normalize_object(shape, element) {
                                item.extend(fields);
                            }
                            // What an open item keeps, after what it names.
                            for (k, v) in element.as_object().into_iter().flatten() {
                                item.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                        _ => {
                            item.insert("value".to_owned(), element["value"].clone());
                        }
                    }
                    Value::Object(item)
                })
                .collect();
            out.insert("items".to_owned(), Value::Array(elements));
        }
        for (k, v) in map {
            if k != "type" {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Value::Object(out)
    }
}
