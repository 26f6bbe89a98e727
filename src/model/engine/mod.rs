//! Content under a model: a page's front matter read as metadata and typed sections, each
//! section checked against its type, and written back.
//!
//! A section has two shapes. In the front matter it is what the site team wrote (`g3Feature`
//! with `f1`, `f2`, … as keys); in the API it is an object with its `type`, its fields, and its
//! numbered map as an ordered `items` array whose elements keep their names as `key`. The
//! conversions between the two are structural and lenient, so that every problem is found by
//! one check over the API shape, with the messages of the typed landing page, and each can be
//! pointed at in either shape ([`Model::front_pointer`]).

mod check;
mod convert;
mod pointers;

use serde_json::{Map, Value};

use crate::model::definition::Model;
use crate::model::page::{Page, PageSection, SectionContent};
use crate::model::parse::{Errors, FieldError, Pointer, kind};

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
