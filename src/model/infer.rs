//! A model that holds a given set of pages losslessly, as a starting point for the site team
//! (`model infer --site DIR`).
//!
//! Top-level keys whose every value is a scalar are metadata; the others are sections, one
//! type per key, merged over every page that has it. A key seen in every occurrence of its
//! object is required, the others optional; `null` makes a field nullable; numbered keys whose
//! values are objects (`f1`, `c24`) become `items`; each text gets the narrowest kind that the
//! model's own checks accept for every value seen, so that the result is guaranteed to accept
//! what it was inferred from.

use indexmap::IndexMap;
use serde_json::Value;

use super::definition::{Bare, Field, Items, Kind, List, Model, SectionRule, Type};
use super::parse::{Errors, Pointer};
use super::text::FREE_TEXT_MAX;

/// The model for pages given as (page id, front matter).
pub fn infer(pages: &[(String, Value)]) -> Model {
    let mut model = Model {
        model: "inferred".to_owned(),
        description: Some(format!(
            "Inferred from {} pages by `gen3-content model infer`.",
            pages.len()
        )),
        metadata: IndexMap::new(),
        sections: IndexMap::new(),
        pages: IndexMap::new(),
        types: IndexMap::new(),
    };
    let mut keys: IndexMap<&str, Vec<&Value>> = IndexMap::new();
    for (_, data) in pages {
        for (key, value) in data.as_object().into_iter().flatten() {
            keys.entry(key.as_str()).or_default().push(value);
        }
    }
    for (key, values) in keys {
        let optional = values.len() < pages.len();
        if values.iter().all(|v| !v.is_object() && !v.is_array()) {
            let field = Field {
                optional,
                ..infer_field(&model, &values)
            };
            model.metadata.insert(key.to_owned(), field);
            continue;
        }
        let id = unique_id(&model, section_id(key));
        let ty = section_type(&model, &values);
        model.types.insert(id.clone(), ty);
        model.sections.insert(
            key.to_owned(),
            SectionRule {
                id: id.clone(),
                type_name: id,
                required: false,
            },
        );
    }
    model
}

/// A section type that holds every one of `values`.
fn section_type(model: &Model, values: &[&Value]) -> Type {
    let field = infer_field(model, values);
    match field.kind() {
        // A field named `type` would clash with the section's own.
        Kind::Object if !field.fields.contains_key("type") => Type {
            fields: field.fields,
            items: field.items.map(|items| *items),
            open: field.open,
            ..Type::default()
        },
        Kind::List => Type {
            list: Some(List {
                of: field.of.map(|of| *of).unwrap_or_default(),
                min: Some(0),
                max: field.max,
                nullable: field.nullable,
            }),
            ..Type::default()
        },
        _ => Type {
            bare: Some(Bare {
                field: "value".to_owned(),
                of: Field {
                    kind: Some(Kind::Any),
                    ..Field::default()
                },
            }),
            ..Type::default()
        },
    }
}

/// A field that holds every one of `values` (each a value the field was seen with).
fn infer_field(model: &Model, values: &[&Value]) -> Field {
    let nullable = values.iter().any(|v| v.is_null());
    let present: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
    let field = if present.is_empty() {
        Field::of_kind(Kind::Any)
    } else if present.iter().all(|v| v.is_string()) {
        text_field(model, &present)
    } else if present.iter().all(|v| v.is_boolean()) {
        Field::of_kind(Kind::Flag)
    } else if present.iter().all(|v| v.is_number()) {
        Field::of_kind(Kind::Number)
    } else if present.iter().all(|v| v.is_object()) {
        object_field(model, &present)
    } else if present.iter().all(|v| v.is_array()) {
        let elements: Vec<&Value> = present
            .iter()
            .flat_map(|v| v.as_array().into_iter().flatten())
            .collect();
        let longest = present
            .iter()
            .filter_map(|v| v.as_array())
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        Field {
            kind: Some(Kind::List),
            max: (longest > 1000).then_some(longest),
            of: Some(Box::new(infer_field(model, &elements))),
            ..Field::default()
        }
    } else {
        Field::of_kind(Kind::Any)
    };
    Field { nullable, ..field }
}

/// The narrowest text kind whose check accepts every value.
fn text_field(model: &Model, values: &[&Value]) -> Field {
    let candidates = [
        Kind::Target,
        Kind::Link,
        Kind::Figure,
        Kind::ShortText,
        Kind::LongText,
        Kind::Text,
    ];
    for kind in candidates {
        let mut field = Field::of_kind(kind);
        let all = |test: fn(&str) -> bool| values.iter().all(|v| v.as_str().is_some_and(test));
        if kind == Kind::ShortText && !all(|s| !s.contains('\n')) {
            continue;
        }
        // A figure is a file: the figure rule alone accepts most titles (a relative path).
        if kind == Kind::Figure && !all(has_extension) {
            continue;
        }
        if kind == Kind::Text {
            let longest = values
                .iter()
                .filter_map(|v| v.as_str())
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0);
            field.max = (longest > FREE_TEXT_MAX).then_some(longest);
        }
        let mut errors = Errors::default();
        for value in values {
            model.check_field(&field, value, &Pointer::root(), &mut errors);
        }
        if errors.is_empty() {
            return field;
        }
    }
    Field::of_kind(Kind::Any)
}

/// Whether `path` ends in a file extension (`kv.svg`, `Slides 2023.pdf`).
fn has_extension(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(name, ext)| {
        !name.is_empty()
            && (2..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// An object field: its keys merged over `values`, numbered ones as items.
fn object_field(model: &Model, values: &[&Value]) -> Field {
    let maps: Vec<&serde_json::Map<String, Value>> =
        values.iter().filter_map(|v| v.as_object()).collect();
    let prefix = items_prefix(&maps);
    let items = prefix.as_ref().map(|prefix| Items {
        prefix: prefix.clone(),
        of: Field::default(),
        min: None,
        max: None,
    });
    let is_item = |key: &str| items.as_ref().is_some_and(|items| items.matches(key));
    let mut keys: IndexMap<&str, Vec<&Value>> = IndexMap::new();
    let mut elements: Vec<&Value> = Vec::new();
    let mut counts = Vec::new();
    for map in &maps {
        let mut count = 0;
        for (key, value) in *map {
            if is_item(key) {
                elements.push(value);
                count += 1;
            } else {
                keys.entry(key.as_str()).or_default().push(value);
            }
        }
        counts.push(count);
    }
    let fields = keys
        .into_iter()
        .map(|(key, seen)| {
            let optional = seen.len() < maps.len();
            (
                key.to_owned(),
                Field {
                    optional,
                    ..infer_field(model, &seen)
                },
            )
        })
        .collect();
    let items = items.map(|items| {
        let (fewest, most) = (
            counts.iter().copied().min().unwrap_or(0),
            counts.iter().copied().max().unwrap_or(0),
        );
        Box::new(Items {
            of: infer_field(model, &elements),
            min: (fewest != 1).then_some(fewest),
            max: (most > 100).then_some(most),
            ..items
        })
    });
    Field {
        kind: Some(Kind::Object),
        fields,
        items,
        ..Field::default()
    }
}

/// The prefix of the numbered keys (`f` of `f1`, `f2`) that hold objects, if there is one:
/// short prefixes (one or two letters, as the site writes items) or three or more keys, so that
/// `button1`, `button2` stay fields. The prefix with the most keys wins.
fn items_prefix(maps: &[&serde_json::Map<String, Value>]) -> Option<String> {
    // Per prefix: the most keys one map has, and whether every value is an item.
    let mut found: IndexMap<String, (usize, bool)> = IndexMap::new();
    for map in maps {
        let mut here: IndexMap<&str, usize> = IndexMap::new();
        for (key, value) in *map {
            let digits = key.trim_start_matches(|c: char| c.is_ascii_lowercase());
            let prefix = &key[..key.len() - digits.len()];
            if prefix.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                continue;
            }
            *here.entry(prefix).or_default() += 1;
            let slot = found.entry(prefix.to_owned()).or_insert((0, true));
            // An item is an object that does not name itself `key` (the API's name for it).
            slot.1 &= value.as_object().is_some_and(|o| !o.contains_key("key"));
        }
        for (prefix, count) in here {
            let slot = &mut found[prefix];
            slot.0 = slot.0.max(count);
        }
    }
    if maps.iter().any(|m| m.contains_key("items")) {
        return None;
    }
    found
        .into_iter()
        .filter(|(prefix, (most, objects))| *objects && (prefix.len() <= 2 || *most >= 3))
        .max_by_key(|(_, (most, _))| *most)
        .map(|(prefix, _)| prefix)
}

/// A section id from its front-matter key: `g3DataFeature` is `data-feature`, `AgendaOverview`
/// is `agenda-overview`.
fn section_id(key: &str) -> String {
    let letters: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
    let name = match letters.strip_prefix("g3") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest.to_owned(),
        _ => letters,
    };
    let mut id = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !id.ends_with('-') {
            id.push('-');
        }
        id.push(c.to_ascii_lowercase());
    }
    let id = id
        .trim_start_matches(|c: char| !c.is_ascii_lowercase())
        .to_owned();
    if id.is_empty() {
        "section".to_owned()
    } else {
        id
    }
}

fn unique_id(model: &Model, id: String) -> String {
    let taken = |candidate: &str| model.types.contains_key(candidate);
    if !taken(&id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_come_from_keys() {
        assert_eq!(section_id("g3DataFeature"), "data-feature");
        assert_eq!(section_id("AgendaOverview"), "agenda-overview");
        assert_eq!(section_id("<!--- g3Upcoming"), "upcoming");
        assert_eq!(section_id("g3forumPast"), "forum-past");
        assert_eq!(section_id("42"), "section");
    }

    #[test]
    fn an_inferred_model_accepts_what_it_came_from() {
        let pages = vec![
            (
                "a".to_owned(),
                json!({"title": "A", "g3Things": {"title": "T", "t1": {"name": "x", "link": "/x"}, "t2": {"name": "y", "link": "/y", "note": null}}}),
            ),
            (
                "b".to_owned(),
                json!({"title": "B", "draft": true, "g3List": [{"Title": "E", "n": 3}]}),
            ),
        ];
        let model = infer(&pages);
        let written = serde_yaml::to_string(&model).unwrap();
        let model = Model::parse(&written).unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        for (id, data) in &pages {
            let read = model.read_front_matter(id, data, "").unwrap();
            assert_eq!(model.front_matter(&read), *data);
        }
        assert!(model.metadata["draft"].optional);
        let things = &model.types["things"];
        assert_eq!(things.items.as_ref().unwrap().prefix, "t");
        assert_eq!(
            model.shape_of(&things.items.as_ref().unwrap().of).fields["link"].kind,
            Some(Kind::Link)
        );
    }
}
