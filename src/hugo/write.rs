//! Writing a [`Page`] back as a Hugo page file: the inverse of [`read`](super::read).
//!
//! The front matter is built as data in the original's key order (the metadata, then the
//! sections in page order; fields before the numbered items; items in page order under their
//! keys) and written by [`yaml`](super::yaml), which quotes every string that a YAML 1.1 reader
//! (Hugo) or a 1.2 reader would take for something else. The body is written back byte for
//! byte, so Hugo renders the export exactly as it renders the original.

use serde_json::Value;

use super::{Shape, front_matter_key};
use crate::model::Pointer;
use crate::model::page::Page;
use crate::model::section::SectionContent;

/// The page as a Hugo page file.
pub fn write_page(page: &Page) -> String {
    write_file(&front_matter(page), &page.body)
}

/// The page as a Hugo page file, starting from `source` (the file it was seeded or imported
/// from) when there is one: see [`export_file`].
pub fn export_page(page: &Page, source: Option<&str>) -> String {
    export_file(&front_matter(page), &page.body, source)
}

/// A page file with this front matter (a mapping) and body, written afresh.
pub fn write_file(front_matter: &Value, body: &str) -> String {
    let yaml = match front_matter {
        Value::Object(top) => super::yaml::mapping(top),
        _ => String::new(),
    };
    let mut text = String::with_capacity(yaml.len() + body.len() + 8);
    text.push_str("---\n");
    text.push_str(&yaml);
    text.push_str("---\n");
    text.push_str(body);
    text
}

/// A page file with this front matter and body, starting from `source` (the file as last
/// imported) when there is one: only the lines of values that differ from it change, and an
/// unchanged page is exported byte for byte. Written afresh by [`write_file`] when the change
/// cannot be made as line edits of the source (see [`super::source::rewrite`]).
pub fn export_file(front_matter: &Value, body: &str, source: Option<&str>) -> String {
    source
        .and_then(|source| edit_source(front_matter, body, source))
        .unwrap_or_else(|| write_file(front_matter, body))
}

fn edit_source(front_matter: &Value, body: &str, source: &str) -> Option<String> {
    let (front, old_body) = super::split(source).ok()?;
    // `split` hands back parts of `source`: their offsets place the delimiters around them.
    let front_at = front.as_ptr() as usize - source.as_ptr() as usize;
    let body_at = source.len() - old_body.len();
    let edited = super::source::rewrite(front, front_matter)?;
    let mut text = String::with_capacity(source.len() + body.len());
    text.push_str(&source[..front_at]);
    text.push_str(&edited);
    text.push_str(&source[front_at + front.len()..body_at]);
    text.push_str(body);
    Some(text)
}

/// The front matter as data, in the original's key order.
pub fn front_matter(page: &Page) -> Value {
    let mut top = match serde_json::to_value(&page.meta) {
        Ok(Value::Object(meta)) => meta,
        _ => unreachable!("the page metadata is a record"),
    };
    for content in page.sections() {
        let (key, shape) = front_matter_key(content.id());
        top.insert(key.to_owned(), section_front_matter(content, shape));
    }
    Value::Object(top)
}

/// Where the front-matter path `path` (below the section's own key) is in the section's content
/// as the API serves it: `c2.title` of the commons is `/items/0/title`.
pub fn api_pointer(content: &SectionContent, path: &[String]) -> String {
    let (_, shape) = front_matter_key(content.id());
    let mut at = Pointer::root();
    let mut rest = path;
    match shape {
        Shape::Bare(field) => return at.child(field).as_str().to_owned(),
        Shape::NumberedItems => {
            let value = content.to_value();
            let index = path.first().and_then(|key| {
                value["items"]
                    .as_array()?
                    .iter()
                    .position(|item| item["key"].as_str() == Some(key))
            });
            if let Some(index) = index {
                at = at.child("items").child(index);
                rest = &path[1..];
            }
        }
        Shape::Fields => {}
    }
    for token in rest {
        at = at.child(token);
    }
    at.as_str().to_owned()
}

/// A section as the front matter writes it.
fn section_front_matter(content: &SectionContent, shape: Shape) -> Value {
    let Value::Object(mut fields) = content.to_value() else {
        unreachable!("section content is an object")
    };
    fields.shift_remove("type");
    match shape {
        Shape::Fields => Value::Object(fields),
        Shape::Bare(field) => fields.shift_remove(field).unwrap_or(Value::Null),
        Shape::NumberedItems => {
            let items = fields.shift_remove("items");
            let mut numbered = fields;
            for item in items
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Value::Object(item) = item else {
                    unreachable!("items are objects")
                };
                let mut item = item.clone();
                let Some(Value::String(key)) = item.shift_remove("key") else {
                    unreachable!("every item has a key")
                };
                numbered.insert(key, Value::Object(item));
            }
            Value::Object(numbered)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hugo::read::PageFile;
    use crate::hugo::{parse_page, split};
    use crate::model::text::is_item_key;

    const SEED: &str = include_str!("../../seed/about.md");

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn the_seed_is_written_back_as_the_same_data_in_the_same_order() {
        let page = parse_page(SEED).unwrap();
        let text = write_page(&page);
        let original = PageFile::read(SEED).unwrap();
        let written = PageFile::read(&text).unwrap();

        // As data: map equality ignores order, so the order is compared separately.
        assert_eq!(written.data, original.data);
        assert_eq!(keys(&written.data), keys(&original.data));
        // The order of the numbered maps' items is page order. (Within a record, fields are in
        // the API's order, which is not always the seed's: that is not data.)
        let numbered = |value: &Value| -> Vec<String> {
            keys(value)
                .into_iter()
                .filter(|k| is_item_key(k))
                .map(str::to_owned)
                .collect()
        };
        for (key, value) in original.data.as_object().unwrap() {
            if value.is_object() {
                assert_eq!(
                    numbered(&written.data[key]),
                    numbered(value),
                    "order in {key}"
                );
            }
        }
        assert_eq!(written.body, split(SEED).unwrap().1);
        assert_eq!(parse_page(&text).unwrap(), page);
    }

    #[test]
    fn the_date_is_written_as_the_string_it_is_stored_as() {
        // A YAML 1.1 reader would take it unquoted for a timestamp, and the page stores a string.
        // Hugo reads the quoted form as the page date all the same (the Hugo tests render the
        // date of the export and of the seed to the same bytes).
        let text = write_page(&parse_page(SEED).unwrap());
        assert!(
            text.lines()
                .any(|l| l == "date: '2018-09-04T22:16:21-05:00'"),
            "{text}"
        );
    }

    #[test]
    fn text_that_yaml_would_misread_is_quoted() {
        let tricky = [
            "yes",
            "123",
            "null",
            "- not a list",
            "a: b",
            "#hash",
            "multi\nline",
            " padded ",
            "\"quoted\"",
        ];
        for text in tricky {
            let mut page = parse_page(SEED).unwrap();
            let vision = serde_json::json!({"type": "vision", "quote": text});
            let mut errors = crate::model::Errors::default();
            let content = SectionContent::parse_as(
                crate::model::SectionId::Vision,
                &vision,
                &crate::model::Pointer::root(),
                &mut errors,
            )
            .unwrap_or_else(|| panic!("{text:?}: {:?}", errors.into_vec()));
            page.replace_section(content);
            let written = write_page(&page);
            assert_eq!(parse_page(&written).unwrap(), page, "{text:?}");
        }
    }
}
