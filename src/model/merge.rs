//! Three pages in, one out: what a change set made of a page (from its `base`, the page as it was
//! live when the change set took its copy) merged with what happened live meanwhile. The merge
//! is per field: metadata keys, the body, the order of the sections, and each section's fields
//! down to its leaves (arrays are one field: their items have no identity to merge by). A field
//! only one side changed takes that side's value; a field both changed to different values is
//! a conflict, reported with its three values.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Errors, Model, Page, PageSection, Pointer};

/// One field of a page as a change set and live have it: a change the change set makes (with
/// `live` and `change_set`), or a conflict, where both changed it to different values since the
/// change set took its copy (with `base` too).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The page.
    pub page: String,
    /// The section the field is in; absent for the page's metadata, its body and the order of
    /// its sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The field: a JSON Pointer into the section (`""`: the section as a whole), or into the
    /// page's metadata; `/body` is the body, `/sections` the order of the sections.
    pub pointer: String,
    /// The field when the change set took its copy (absent: it did not exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Value>,
    /// The field live now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Value>,
    /// The field in the change set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_set: Option<Value>,
}

/// A page as one JSON value, fields where the merge finds them: `meta`, `body`, `order` (the
/// section ids in page order) and `sections` (by id: each its front-matter `key` and `content`).
pub fn to_value(page: &Page) -> Value {
    let sections: Map<String, Value> = page
        .sections()
        .iter()
        .map(|s| {
            let section = serde_json::json!({"key": s.key, "content": s.content.value()});
            (s.id.clone(), section)
        })
        .collect();
    serde_json::json!({
        "meta": page.meta,
        "body": page.body,
        "order": page.sections().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        "sections": sections,
    })
}

/// The page a [`to_value`] value (merged, or stored) describes, each section checked by the
/// model as any written section is; errors point at `/sections/{id}/…`.
pub fn from_value(model: &Model, value: &Value) -> Result<Page, Errors> {
    let mut errors = Errors::default();
    let meta = value["meta"].as_object().cloned().unwrap_or_default();
    let body = value["body"].as_str().unwrap_or_default().to_owned();
    let empty = Map::new();
    let by_id = value["sections"].as_object().unwrap_or(&empty);
    // The order names each section once; sections it lacks (an order that lost a section both
    // sides added) come last, and ids it names that are gone are left out.
    let mut order: Vec<&str> = value["order"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|id| by_id.contains_key(*id))
        .collect();
    order.dedup();
    for id in by_id.keys() {
        if !order.contains(&id.as_str()) {
            order.push(id);
        }
    }
    let mut sections = Vec::with_capacity(order.len());
    for id in order {
        let section = &by_id[id];
        let content = &section["content"];
        let type_name = content["type"].as_str().unwrap_or_default();
        let at = Pointer::root().child("sections").child(id);
        if let Some(content) = model.section(type_name, content, &at, &mut errors) {
            sections.push(PageSection {
                key: section["key"].as_str().unwrap_or(id).to_owned(),
                id: id.to_owned(),
                content,
            });
        }
    }
    if errors.is_empty() {
        Ok(Page::new(meta, body, sections))
    } else {
        Err(errors)
    }
}

/// `change_set`'s changes since `base` applied to `live`: the merged page as a [`to_value`]
/// value, and the conflicts (where the change set's value is the one taken). `None` on a side:
/// the page is not part of the site there.
pub fn merge(
    id: &str,
    base: Option<&Value>,
    live: Option<&Value>,
    change_set: Option<&Value>,
) -> (Option<Value>, Vec<FieldChange>) {
    let mut conflicts = Vec::new();
    let merged = field(
        base,
        live,
        change_set,
        &mut Vec::new(),
        &mut |path, b, l, c| {
            conflicts.push(conflict(id, path, b, l, c));
        },
    );
    (merged, conflicts)
}

/// What `change_set` changes of `live`, per field, named as conflicts are (without `base`).
pub fn changes(id: &str, live: Option<&Value>, change_set: Option<&Value>) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    diff(live, change_set, &mut Vec::new(), &mut |path, l, c| {
        changes.push(conflict(id, path, None, l, c));
    });
    changes
}

type OnChange<'a> = dyn FnMut(&[String], Option<&Value>, Option<&Value>) + 'a;
type OnConflict<'a> = dyn FnMut(&[String], Option<&Value>, Option<&Value>, Option<&Value>) + 'a;

fn field(
    base: Option<&Value>,
    live: Option<&Value>,
    ours: Option<&Value>,
    path: &mut Vec<String>,
    on_conflict: &mut OnConflict<'_>,
) -> Option<Value> {
    if live == ours || base == ours {
        return live.cloned();
    }
    if base == live {
        return ours.cloned();
    }
    // Both changed it. Objects merge member by member (a page, a section, a metadata map);
    // anything else is one field.
    if let (Some(Value::Object(l)), Some(Value::Object(o))) = (live, ours) {
        let b = base.and_then(Value::as_object);
        let mut merged = Map::new();
        // The change set's order, then what only live has, where live has it last.
        let keys: Vec<&String> = o
            .keys()
            .chain(l.keys().filter(|k| !o.contains_key(*k)))
            .collect();
        for key in keys {
            path.push(key.clone());
            let value = field(
                b.and_then(|b| b.get(key)),
                l.get(key),
                o.get(key),
                path,
                on_conflict,
            );
            path.pop();
            if let Some(value) = value {
                merged.insert(key.clone(), value);
            }
        }
        return Some(Value::Object(merged));
    }
    on_conflict(path, base, live, ours);
    ours.cloned()
}

fn diff(
    base: Option<&Value>,
    ours: Option<&Value>,
    path: &mut Vec<String>,
    on_change: &mut OnChange<'_>,
) {
    if base == ours {
        return;
    }
    // A section's order and its sections are reported where they changed; other objects too,
    // except where the whole value came or went.
    if let (Some(Value::Object(b)), Some(Value::Object(o))) = (base, ours) {
        let keys: Vec<&String> = o
            .keys()
            .chain(b.keys().filter(|k| !o.contains_key(*k)))
            .collect();
        for key in keys {
            path.push(key.clone());
            diff(b.get(key), o.get(key), path, on_change);
            path.pop();
        }
        return;
    }
    on_change(path, base, ours);
}

/// A merge path (`meta/…`, `body`, `order`, `sections/{id}/content/…`) as the API names it.
fn conflict(
    page: &str,
    path: &[String],
    base: Option<&Value>,
    live: Option<&Value>,
    change_set: Option<&Value>,
) -> FieldChange {
    let pointer = |rest: &[String]| -> String {
        rest.iter()
            .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
            .collect()
    };
    let (section, pointer) = match path {
        [] => (None, String::new()),
        [first, rest @ ..] if first == "meta" => (None, pointer(rest)),
        [first, ..] if first == "body" => (None, "/body".to_owned()),
        [first, ..] if first == "order" => (None, "/sections".to_owned()),
        [first, id] if first == "sections" => (Some(id.clone()), String::new()),
        [first, id, part, rest @ ..] if first == "sections" && part == "content" => {
            (Some(id.clone()), pointer(rest))
        }
        [first, id, rest @ ..] if first == "sections" => (Some(id.clone()), pointer(rest)),
        _ => (None, pointer(path)),
    };
    // A whole section's values are its content, as `GET` shows it.
    let shown = |v: Option<&Value>| {
        v.map(|v| match (path.len(), v.get("content")) {
            (2, Some(content)) if section.is_some() => content.clone(),
            _ => v.clone(),
        })
    };
    FieldChange {
        page: page.to_owned(),
        section: section.clone(),
        pointer,
        base: shown(base),
        live: shown(live),
        change_set: shown(change_set),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(title: &str, body: &str, order: &[&str], sections: Value) -> Value {
        json!({"meta": {"title": title}, "body": body, "order": order, "sections": sections})
    }

    #[test]
    fn different_fields_merge_and_the_same_field_conflicts() {
        let base = page(
            "T",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 1, "y": 1}}}),
        );
        let live = page(
            "T",
            "B2",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 2, "y": 1}}}),
        );
        let ours = page(
            "T3",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 1, "y": 3}}}),
        );
        let (merged, conflicts) = merge("p", Some(&base), Some(&live), Some(&ours));
        assert!(conflicts.is_empty(), "{conflicts:?}");
        let merged = merged.unwrap();
        assert_eq!(merged["meta"]["title"], "T3");
        assert_eq!(merged["body"], "B2");
        assert_eq!(
            merged["sections"]["a"]["content"],
            json!({"type": "t", "x": 2, "y": 3})
        );

        let ours = page(
            "T",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 5, "y": 1}}}),
        );
        let (merged, conflicts) = merge("p", Some(&base), Some(&live), Some(&ours));
        assert_eq!(
            merged.unwrap()["sections"]["a"]["content"]["x"],
            5,
            "the change set's value"
        );
        assert_eq!(
            conflicts,
            vec![FieldChange {
                page: "p".into(),
                section: Some("a".into()),
                pointer: "/x".into(),
                base: Some(json!(1)),
                live: Some(json!(2)),
                change_set: Some(json!(5)),
            }]
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict_and_removal_against_an_edit_is_one() {
        let base = page(
            "T",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 1}}}),
        );
        let both = page(
            "U",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 1}}}),
        );
        let (merged, conflicts) = merge("p", Some(&base), Some(&both), Some(&both));
        assert!(conflicts.is_empty());
        assert_eq!(merged.as_ref(), Some(&both));

        // The change set removes section a, which live edited meanwhile.
        let live = page(
            "T",
            "B",
            &["a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 2}}}),
        );
        let ours = page("T", "B", &[], json!({}));
        let (_, conflicts) = merge("p", Some(&base), Some(&live), Some(&ours));
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].section.as_deref(), Some("a"));
        assert_eq!(conflicts[0].pointer, "");
        assert_eq!(conflicts[0].live, Some(json!({"type": "t", "x": 2})));
        assert_eq!(conflicts[0].change_set, None);

        // A page the change set deletes, edited live: a conflict on the page as a whole.
        let (merged, conflicts) = merge("p", Some(&base), Some(&live), None);
        assert_eq!(merged, None);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(
            (
                conflicts[0].section.as_deref(),
                conflicts[0].pointer.as_str()
            ),
            (None, "")
        );
    }

    #[test]
    fn changes_name_each_field_the_change_set_changed() {
        let base = page(
            "T",
            "B",
            &["a", "b"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 1}}, "b": {"key": "b", "content": {"type": "t"}}}),
        );
        let ours = page(
            "T/2",
            "B",
            &["b", "a"],
            json!({"a": {"key": "a", "content": {"type": "t", "x": 2}}, "b": {"key": "b", "content": {"type": "t"}}}),
        );
        let found: Vec<(Option<String>, String)> = changes("p", Some(&base), Some(&ours))
            .into_iter()
            .map(|c| (c.section, c.pointer))
            .collect();
        assert_eq!(
            found,
            vec![
                (None, "/title".to_owned()),
                (None, "/sections".to_owned()),
                (Some("a".to_owned()), "/x".to_owned()),
            ]
        );
    }
}
