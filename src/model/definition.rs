//! The content model as the site team writes it: a YAML file (`docs/model.md`, checked against
//! `docs/model.schema.json`) that says which front-matter keys are sections, of which type, and
//! what every type holds. Loading one checks the file against the schema, then what a schema
//! cannot say (every type named exists, ids are unique, reserved field names are free), and
//! reports every problem with a JSON Pointer into the file.

use std::sync::LazyLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::parse::FieldError;

/// The model file's JSON Schema, as published in `docs/`.
pub const SCHEMA: &str = include_str!("../../docs/model.schema.json");

/// The built-in Gen3 model, seeded into a new database.
pub const BUILT_IN: &str = include_str!("../../seed/model.yaml");

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the model schema is JSON");
    jsonschema::validator_for(&schema).expect("the model schema compiles")
});

/// A content model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Front-matter keys that are page metadata.
    #[serde(default)]
    pub metadata: IndexMap<String, Field>,
    /// Front-matter key → section, on every page.
    #[serde(default)]
    pub sections: IndexMap<String, SectionRule>,
    /// Page id → where that page differs.
    #[serde(default)]
    pub pages: IndexMap<String, PageRule>,
    pub types: IndexMap<String, Type>,
}

/// What a front-matter key is as a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRule {
    pub id: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The page must have this section (the landing page has all nine).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRule {
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub metadata: IndexMap<String, Field>,
    #[serde(default)]
    pub sections: IndexMap<String, SectionRule>,
}

/// A named type: an object (fields, numbered items), one bare value, or a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Type {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<String, Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Items>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bare: Option<Bare>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<List>,
}

/// A section that is one value (`g3Company: Data Commons…`), served as the field `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bare {
    pub field: String,
    pub of: Field,
}

/// A section that is a YAML list, served as `items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub of: Field,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// The key may be present with no value: no list at all, kept apart from an empty one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
}

/// A numbered map: the keys `prefix` + digits, served as `items` with each name as `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Items {
    pub prefix: String,
    pub of: Field,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
}

impl Items {
    /// The fewest and most items, 1 to 100 unless the model says otherwise.
    pub fn bounds(&self) -> (usize, usize) {
        (self.min.unwrap_or(1), self.max.unwrap_or(100))
    }

    /// Whether a front-matter key names one of these items (`f` + digits).
    pub fn matches(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix.as_str())
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// What a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One line: not blank, at most 200 characters unless `max` says otherwise.
    ShortText,
    /// A paragraph: not blank, at most 2,000 characters.
    LongText,
    /// Any string as written (blank included), at most 100,000 characters.
    Text,
    Link,
    Figure,
    Target,
    Flag,
    Number,
    Object,
    List,
    /// Anything, kept as it is (what `model infer` writes where it saw nothing to go by).
    Any,
}

impl Kind {
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::ShortText | Self::LongText | Self::Text | Self::Link | Self::Figure
        )
    }
}

/// A field: its kind and rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Left out: `object` when `type`, `fields` or `items` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<String, Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Items>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Box<Field>>,
}

impl Field {
    pub fn of_kind(kind: Kind) -> Self {
        Self {
            kind: Some(kind),
            ..Self::default()
        }
    }

    pub fn kind(&self) -> Kind {
        match self.kind {
            Some(kind) => kind,
            None if self.type_name.is_some() || !self.fields.is_empty() || self.items.is_some() => {
                Kind::Object
            }
            None => Kind::Any,
        }
    }
}

/// The fields, items and openness of an object, wherever it is declared.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'m> {
    pub fields: &'m IndexMap<String, Field>,
    pub items: Option<&'m Items>,
    pub open: bool,
}

/// What a section type holds.
#[derive(Debug, Clone, Copy)]
pub enum Form<'m> {
    Object(Shape<'m>),
    Bare(&'m Bare),
    List(&'m List),
}

impl Type {
    pub fn form(&self) -> Form<'_> {
        if let Some(bare) = &self.bare {
            Form::Bare(bare)
        } else if let Some(list) = &self.list {
            Form::List(list)
        } else {
            Form::Object(self.shape())
        }
    }

    /// Its fields, items and openness (what an object of this type holds).
    pub fn shape(&self) -> Shape<'_> {
        Shape {
            fields: &self.fields,
            items: self.items.as_ref(),
            open: self.open,
        }
    }
}

impl Model {
    /// Reads and checks a model file: the schema first, then the rules between its parts.
    pub fn parse(yaml: &str) -> Result<Self, Vec<FieldError>> {
        let data: Value = serde_yaml::from_str(yaml).map_err(|e| {
            vec![FieldError {
                pointer: String::new(),
                detail: format!("not a YAML mapping: {e}"),
            }]
        })?;
        let schema_errors: Vec<FieldError> = VALIDATOR
            .iter_errors(&data)
            .map(|e| FieldError {
                pointer: e.instance_path().as_str().to_owned(),
                detail: e.to_string(),
            })
            .collect();
        if !schema_errors.is_empty() {
            return Err(schema_errors);
        }
        let model: Model = serde_json::from_value(data).map_err(|e| {
            vec![FieldError {
                pointer: String::new(),
                detail: e.to_string(),
            }]
        })?;
        let errors = model.consistency();
        if errors.is_empty() {
            Ok(model)
        } else {
            Err(errors)
        }
    }

    /// The built-in Gen3 model.
    pub fn built_in() -> Self {
        Self::parse(BUILT_IN).expect("the built-in model is valid")
    }

    /// The section a front-matter key is on page `page`, if it is one.
    pub fn section_rule(&self, page: &str, key: &str) -> Option<&SectionRule> {
        self.pages
            .get(page)
            .and_then(|rule| rule.sections.get(key))
            .or_else(|| self.sections.get(key))
    }

    /// The front-matter key and rule of section `id` on page `page`: where a section added to
    /// the page is written.
    pub fn section_key(&self, page: &str, id: &str) -> Option<(&str, &SectionRule)> {
        let own = self.pages.get(page).map(|rule| &rule.sections);
        own.into_iter()
            .flatten()
            .chain(&self.sections)
            .map(|(key, _)| key.as_str())
            .filter_map(|key| Some((key, self.section_rule(page, key)?)))
            .find(|(_, rule)| rule.id == id)
    }

    /// The rule of metadata key `key` on page `page`, if it is metadata there.
    pub fn metadata_field(&self, page: &str, key: &str) -> Option<&Field> {
        self.pages
            .get(page)
            .and_then(|rule| rule.metadata.get(key))
            .or_else(|| self.metadata.get(key))
    }

    /// Every metadata key of page `page` with its rule: the site's, then the page's own.
    pub fn metadata_fields<'m>(&'m self, page: &str) -> Vec<(&'m str, &'m Field)> {
        let own = self.pages.get(page).map(|rule| &rule.metadata);
        let mut fields: Vec<(&str, &Field)> = Vec::new();
        for key in self
            .metadata
            .keys()
            .chain(own.into_iter().flat_map(|m| m.keys()))
        {
            if !fields.iter().any(|(k, _)| k == key)
                && let Some(field) = self.metadata_field(page, key)
            {
                fields.push((key, field));
            }
        }
        fields
    }

    /// The front-matter keys of the sections page `page` must have.
    pub fn required_sections<'m>(&'m self, page: &str) -> Vec<&'m str> {
        let own = self.pages.get(page).map(|rule| &rule.sections);
        let mut keys: Vec<&str> = Vec::new();
        for (key, rule) in self.sections.iter().chain(own.into_iter().flatten()) {
            let rule = self.section_rule(page, key).unwrap_or(rule);
            if rule.required && !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }

    pub fn type_named(&self, name: &str) -> Option<&Type> {
        self.types.get(name)
    }

    /// The object shape of an object field: its own fields, or its named type's.
    pub fn shape_of<'m>(&'m self, field: &'m Field) -> Shape<'m> {
        match field
            .type_name
            .as_deref()
            .and_then(|name| self.types.get(name))
        {
            Some(ty) => ty.shape(),
            None => Shape {
                fields: &field.fields,
                items: field.items.as_deref(),
                open: field.open,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        Model::parse(yaml)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.pointer, e.detail))
            .collect()
    }

    #[test]
    fn the_built_in_model_is_valid_and_round_trips_through_its_own_format() {
        let model = Model::built_in();
        let written = serde_yaml::to_string(&model).unwrap();
        assert_eq!(Model::parse(&written).unwrap(), model);
    }

    #[test]
    fn the_schema_reports_every_offending_place_with_a_pointer() {
        let found = errors(
            "model: m\ntypes:\n  Bad_Name: {}\n  ok:\n    fields:\n      a: { kind: colour }\n      b: { optional: maybe }\n",
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert!(pointers.contains(&"/types"), "{found:?}");
        assert!(pointers.contains(&"/types/ok/fields/a/kind"), "{found:?}");
        assert!(
            pointers.contains(&"/types/ok/fields/b/optional"),
            "{found:?}"
        );
    }

    #[test]
    fn references_between_parts_are_checked() {
        let found = errors(
            "model: m\nsections:\n  g3A: { id: a, type: missing }\n  g3B: { id: a, type: t }\n\
             types:\n  t:\n    fields:\n      x: { type: nowhere }\n      y: { kind: short-text, of: { kind: text } }\n      \
             f1: { kind: text }\n    items: { prefix: f, of: { fields: { key: { kind: text } } } }\n",
        );
        assert_eq!(
            found,
            [
                (
                    "/sections/g3A/type".to_owned(),
                    "names no type: missing".to_owned()
                ),
                (
                    "/sections/g3A/id".to_owned(),
                    "a is also the id of g3B".to_owned()
                ),
                (
                    "/sections/g3B/id".to_owned(),
                    "a is also the id of g3A".to_owned()
                ),
                (
                    "/types/t/fields/x/type".to_owned(),
                    "names no type: nowhere".to_owned()
                ),
                (
                    "/types/t/fields/y".to_owned(),
                    "a list, and only a list, says what it holds with `of`".to_owned()
                ),
                (
                    "/types/t/items/prefix".to_owned(),
                    "the field f1 would read as an item".to_owned()
                ),
                (
                    "/types/t/items/of".to_owned(),
                    "an item's fields cannot include `key`, which names the item".to_owned()
                ),
            ]
        );
    }
}
