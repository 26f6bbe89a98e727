//! Content under a model: a page's front matter read as metadata and typed sections, each
//! section checked against its type, and written back.
//!
//! A section has two shapes. In the front matter it is what the site team wrote (`g3Feature`
//! with `f1`, `f2`, … as keys); in the API it is an object with its `type`, its fields, and its
//! numbered map as an ordered `items` array whose elements keep their names as `key`. The
//! conversions between the two are structural and lenient, so that every problem is found by
//! one check over the API shape, with the messages of the typed landing page, and each can be
//! pointed at in either shape ([`Model::front_pointer`]).

use serde_json::{Map, Value};

use super::definition::{Field, Form, Items, Kind, Model, Shape};
use super::page::{Page, PageSection, SectionContent};
use super::parse::{Errors, FieldError, Fields, Pointer, kind, string};
use super::text::{
    Detail, FREE_TEXT_MAX, Fig, Link, Target, Title, any_text, is_item_key, text_problem,
};

/// How an object is reshaped: to the API, to the front matter, into the model's order.
type Reshape = for<'s> fn(&Model, Shape<'s>, &Value) -> Value;

impl Model {
    /// Reads page `page`'s front matter `data` (and its `body`): every key is metadata or a
    /// section, every value valid, every section the model requires there. Problems point into
    /// the front matter (`/g3Commons/c5/link`).
    pub fn read_front_matter(
        &self,
        page: &str,
        data: &Value,
        body: &str,
    ) -> Result<Page, Vec<FieldError>> {
        let mut errors = Errors::default();
        let Some(map) = data.as_object() else {
            errors.push(
                &Pointer::root(),
                format!("front matter must be a mapping, not {}", kind(data)),
            );
            return Err(errors.into_vec());
        };
        let mut meta = Map::new();
        let mut sections = Vec::new();
        let mut problems = Vec::new();
        for (key, value) in map {
            let at = Pointer::root().child(key);
            if let Some(rule) = self.section_rule(page, key) {
                let content = self.to_api(&rule.type_name, value);
                let mut found = Errors::default();
                match self.section(&rule.type_name, &content, &Pointer::root(), &mut found) {
                    Some(content) => sections.push(PageSection {
                        key: key.clone(),
                        id: rule.id.clone(),
                        content,
                    }),
                    None => problems.extend(found.into_vec().into_iter().map(|error| FieldError {
                        pointer: format!(
                            "{}{}",
                            at.as_str(),
                            self.front_pointer(&rule.type_name, &content, &error.pointer)
                        ),
                        detail: error.detail,
                    })),
                }
            } else {
                meta.insert(key.clone(), value.clone());
            }
        }
        self.check_metadata(page, &meta, &mut errors);
        for key in self.required_sections(page) {
            if !map.contains_key(key) {
                errors.push(&Pointer::root().child(key), "is required");
            }
        }
        problems.extend(errors.into_vec());
        if problems.is_empty() {
            Ok(Page::new(meta, body.to_owned(), sections))
        } else {
            Err(problems)
        }
    }

    /// Checks page `page`'s metadata `meta`: every key is metadata there (not a section, not
    /// unknown), every value valid for its rule, every required key present. Pointers are into
    /// `meta` (`/title`), which is where they are in the front matter too.
    pub fn check_metadata(&self, page: &str, meta: &Map<String, Value>, errors: &mut Errors) {
        for (key, value) in meta {
            let at = Pointer::root().child(key);
            if let Some(field) = self.metadata_field(page, key) {
                self.check_field(field, value, &at, errors);
            } else if self.section_rule(page, key).is_some() {
                errors.push(&at, "is a section in the content model, not metadata");
            } else {
                errors.push(
                    &at,
                    "is neither metadata nor a section in the content model",
                );
            }
        }
        for (name, field) in self.metadata_fields(page) {
            if !field.optional && !meta.contains_key(name) {
                errors.push(&Pointer::root().child(name), "is required");
            }
        }
    }

    /// The front matter of `page`: its metadata, then its sections.
    pub fn front_matter(&self, page: &Page) -> Value {
        self.front_matter_of(page, |_| true)
    }

    /// The part of `page`'s front matter under the top-level keys `keep` takes.
    pub fn front_matter_of(&self, page: &Page, keep: impl Fn(&str) -> bool) -> Value {
        let mut map: serde_json::Map<String, Value> = page
            .meta
            .iter()
            .filter(|(key, _)| keep(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        for section in page.sections().iter().filter(|s| keep(&s.key)) {
            map.insert(
                section.key.clone(),
                self.to_front(section.content.type_name(), section.content.value()),
            );
        }
        Value::Object(map)
    }

    /// `value` (in the API's shape) as the content of a section of type `type_name`, or every
    /// problem with it under `at`. `type` may be left out; the content gets it, and its fields in
    /// the model's order.
    pub fn section(
        &self,
        type_name: &str,
        value: &Value,
        at: &Pointer,
        errors: &mut Errors,
    ) -> Option<SectionContent> {
        let before = errors.len();
        self.check_section(type_name, value, at, errors);
        (errors.len() == before).then(|| SectionContent::checked(self.normalize(type_name, value)))
    }

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
    fn per_object(&self, field: &Field, value: &Value, object: Reshape) -> Value {
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
    fn per_element(&self, of: &Field, value: &Value, object: Reshape) -> Value {
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

    fn object_to_api(&self, shape: Shape<'_>, value: &Value) -> Value {
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

    fn item_to_api(&self, items: &Items, key: &str, value: &Value) -> Value {
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

    fn object_to_front(&self, shape: Shape<'_>, content: &Value) -> Value {
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
    fn normalize(&self, type_name: &str, value: &Value) -> Value {
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

    fn normalize_object(&self, shape: Shape<'_>, value: &Value) -> Value {
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

    fn api_shape_pointer(
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

    fn api_list_pointer(&self, of: &Field, value: &Value, path: &[String], at: &mut Pointer) {
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
    fn check_shape(&self, shape: Shape<'_>, fields: &mut Fields<'_>, errors: &mut Errors) {
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

    fn take_field(&self, fields: &mut Fields<'_>, name: &str, field: &Field, errors: &mut Errors) {
        match fields.take(name) {
            Some(value) => self.check_field(field, value, &fields.at.child(name), errors),
            None if field.optional => {}
            None => errors.push(&fields.at.child(name), "is required"),
        }
    }

    fn check_items(&self, items: &Items, value: &Value, at: &Pointer, errors: &mut Errors) {
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
                <Target as super::parse::Parse>::parse(value, at, errors);
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

    fn shape_pointer(
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

    fn field_pointer(&self, field: &Field, value: &Value, tokens: &[String], out: &mut Pointer) {
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

    fn list_pointer(&self, of: &Field, value: &Value, tokens: &[String], out: &mut Pointer) {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn model() -> Model {
        Model::built_in()
    }

    fn problems(model: &Model, type_name: &str, content: Value) -> Vec<(String, String)> {
        let mut errors = Errors::default();
        model.check_section(type_name, &content, &Pointer::root(), &mut errors);
        errors
            .into_vec()
            .into_iter()
            .map(|e| (e.pointer, e.detail))
            .collect()
    }

    #[test]
    fn the_landing_pages_teaser_is_checked_with_the_typed_models_messages() {
        let body = json!({
            "type": "vision", "fig": "figs/kv.svg", "detail": "D", "detial": "typo",
            "button1": {"caption": "A", "link": "javascript:alert(1)"},
            "button2": {"caption": "B", "link": "/b", "target": 1},
        });
        assert_eq!(
            problems(&model(), "teaser", body),
            [
                (
                    "/type".to_owned(),
                    "must be \"teaser\", the section's type".to_owned()
                ),
                ("/title".to_owned(), "is required".to_owned()),
                (
                    "/button1/link".to_owned(),
                    "must be an http(s) URL, a site path starting with /, a #fragment or mailto:"
                        .to_owned()
                ),
                (
                    "/button2/target".to_owned(),
                    "must be a string, not a number".to_owned()
                ),
                ("/detial".to_owned(), "is not a known field".to_owned()),
            ]
        );
    }

    #[test]
    fn numbered_items_convert_both_ways_and_point_back_at_their_keys() {
        let model = model();
        let front = json!({"c2": {"title": "A", "fig": "a.png", "link": "/a"}, "c5": {"title": "B", "fig": "b.png", "link": "no link"}});
        let api = model.to_api("commons", &front);
        assert_eq!(api["items"][1]["key"], "c5");
        assert_eq!(model.to_front("commons", &api), front);
        let found = problems(&model, "commons", api.clone());
        assert_eq!(found[0].0, "/items/1/link");
        assert_eq!(
            model.front_pointer("commons", &api, &found[0].0),
            "/c5/link"
        );
        let duplicate = json!({"items": [{"key": "c2", "title": "A", "fig": "a.png", "link": "/a"}, {"key": "c2", "title": "A", "fig": "a.png", "link": "/a"}, {"key": "x1", "title": "A", "fig": "a.png", "link": "/a"}]});
        assert_eq!(
            problems(&model, "commons", duplicate),
            [
                (
                    "/items/1/key".to_owned(),
                    "duplicates the key c2 of an earlier item".to_owned()
                ),
                (
                    "/items/2/key".to_owned(),
                    "must be c followed by digits, such as c1".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn bare_sections_and_lists_convert_both_ways() {
        let model = model();
        let company = model.to_api("company", &json!("Data Commons"));
        assert_eq!(company, json!({"type": "company", "title": "Data Commons"}));
        assert_eq!(model.to_front("company", &company), json!("Data Commons"));
        let events = json!([{"Title": "T", "Date": "D"}]);
        let api = model.to_api("events", &events);
        assert_eq!(
            api,
            json!({"type": "events", "items": [{"Title": "T", "Date": "D"}]})
        );
        assert!(problems(&model, "events", api.clone()).is_empty());
        assert_eq!(model.to_front("events", &api), events);
        let lower = json!({"type": "events", "items": [{"title": "T", "Date": "D"}]});
        assert_eq!(
            problems(&model, "events", lower.clone()),
            [
                ("/items/0/Title".to_owned(), "is required".to_owned()),
                (
                    "/items/0/title".to_owned(),
                    "is not a known field".to_owned()
                ),
            ]
        );
        assert_eq!(
            model.front_pointer("events", &lower, "/items/0/title"),
            "/0/title"
        );
    }
}
