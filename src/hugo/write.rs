//! Writing a [`Page`] back as a Hugo page file: the inverse of [`read`](super::read).
//!
//! The front matter is built as data by the content model (the metadata, then the sections in
//! page order; numbered items in page order under their keys) and either edited into the file
//! the page came from ([`source::rewrite`](super::source::rewrite)), or written afresh by
//! [`yaml`](super::yaml), which quotes every string that a YAML 1.1 reader (Hugo) or a 1.2
//! reader would take for something else. The body is written back byte for byte, so Hugo
//! renders the export exactly as it renders the original.

use serde_json::Value;

use super::Format;
use crate::model::{Model, Page};

/// The page as a Hugo page file with YAML front matter, written afresh.
pub fn write_page(page: &Page, model: &Model) -> String {
    write_file(Format::Yaml, &model.front_matter(page), &page.body)
}

/// The page as a Hugo page file, starting from `source` (the file it was seeded or imported
/// from) when there is one: see [`export_file`].
pub fn export_page(page: &Page, source: Option<&str>, model: &Model) -> String {
    export_file(&model.front_matter(page), &page.body, source)
}

/// A page file with this front matter (a mapping) in `format` and this body, written afresh.
pub fn write_file(format: Format, front_matter: &Value, body: &str) -> String {
    let (open, front, close) = match format {
        Format::Yaml => (
            "---\n",
            match front_matter {
                Value::Object(top) => super::yaml::mapping(top),
                _ => String::new(),
            },
            "---\n",
        ),
        Format::Toml => ("+++\n", super::toml::write(front_matter), "+++\n"),
        Format::Json => ("", super::json::write(front_matter), "\n"),
    };
    let mut text = String::with_capacity(front.len() + body.len() + 8);
    text.push_str(open);
    text.push_str(&front);
    text.push_str(close);
    text.push_str(body);
    text
}

/// A page file with this front matter and body, starting from `source` (the file as last
/// imported) when there is one: only the lines of values that differ from it change, in its
/// own format, and an unchanged page is exported byte for byte. Written afresh in the source's
/// format (YAML without one) by [`write_file`] when the change cannot be made as edits of the
/// source (see [`super::source::rewrite`], [`super::toml::rewrite`], [`super::json::rewrite`]).
pub fn export_file(front_matter: &Value, body: &str, source: Option<&str>) -> String {
    source
        .and_then(|source| edit_source(front_matter, body, source))
        .unwrap_or_else(|| {
            write_file(
                source.map(Format::of).unwrap_or_default(),
                front_matter,
                body,
            )
        })
}

fn edit_source(front_matter: &Value, body: &str, source: &str) -> Option<String> {
    let (front, old_body) = super::split(source).ok()?;
    // `split` hands back parts of `source`: their offsets place the delimiters around them.
    let front_at = front.as_ptr() as usize - source.as_ptr() as usize;
    let body_at = source.len() - old_body.len();
    let edited = match Format::of(source) {
        Format::Yaml => super::source::rewrite(front, front_matter)?,
        Format::Toml => super::toml::rewrite(front, front_matter)?,
        Format::Json => super::json::rewrite(front, front_matter)?,
    };
    let mut text = String::with_capacity(source.len() + body.len());
    text.push_str(&source[..front_at]);
    text.push_str(&edited);
    text.push_str(&source[front_at + front.len()..body_at]);
    text.push_str(body);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hugo::read::PageFile;
    use crate::hugo::split;
    use crate::model::text::is_item_key;

    const SEED: &str = include_str!("../../seed/about.md");

    fn parse_page(text: &str) -> Result<Page, crate::hugo::HugoError> {
        crate::hugo::parse_page(text, &Model::built_in(), "_index")
    }

    fn write_page(page: &Page) -> String {
        super::write_page(page, &Model::built_in())
    }

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
            let content = Model::built_in()
                .section(
                    "vision",
                    &vision,
                    &crate::model::Pointer::root(),
                    &mut errors,
                )
                .unwrap_or_else(|| panic!("{text:?}: {:?}", errors.into_vec()));
            page.replace_section("vision", content);
            let written = write_page(&page);
            assert_eq!(parse_page(&written).unwrap(), page, "{text:?}");
        }
    }
}
