//! Property tests (proptest): what the API accepts survives the trip through a Hugo page, and
//! no input, however malformed, makes the validator, the page reader or `check` panic.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::{split, yaml11};
use crate::model::text::is_forbidden_control;
use crate::model::{Errors, Model, Page, Pointer};

const SEED: &str = include_str!("../../seed/about.md");

thread_local! {
    static MODEL: Model = Model::built_in();
}

fn with_model<T>(f: impl FnOnce(&Model) -> T) -> T {
    MODEL.with(f)
}

fn parse_page(text: &str) -> Result<Page, super::HugoError> {
    with_model(|model| super::parse_page(text, model, "_index"))
}

fn check_page(text: &str) -> super::Report {
    with_model(|model| super::check_page(text, model, "_index"))
}

fn write_page(page: &Page) -> String {
    with_model(|model| super::write_page(page, model))
}

fn front_matter(page: &Page) -> Value {
    with_model(|model| model.front_matter(page))
}

/// Text that YAML, Markdown or HTML could misread: indicators, quotes, colons, comments,
/// anchors, document markers, line breaks, tabs, non-ASCII, padding, and any other character.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("yes".to_owned()),
        Just("null".to_owned()),
        Just("~".to_owned()),
        Just("0x1F".to_owned()),
        Just("1e3".to_owned()),
        Just("y".to_owned()),
        Just("No".to_owned()),
        Just("OFF".to_owned()),
        Just("0123".to_owned()),
        Just("0o17".to_owned()),
        Just("1_000".to_owned()),
        Just("+1".to_owned()),
        Just(".inf".to_owned()),
        Just("2018-09-04".to_owned()),
        Just("\u{85}\u{2028}\u{feff}".to_owned()),
        Just("- ".to_owned()),
        Just(": ".to_owned()),
        Just(" #".to_owned()),
        Just("&a *a ! | > % @ `".to_owned()),
        Just("'\"\\".to_owned()),
        Just("\n---\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\t".to_owned()),
        Just("{{< param \"x\" >}}".to_owned()),
        Just("<b>&amp;</b>".to_owned()),
        Just("“Gen3’s” – é 数据 🧬".to_owned()),
        "[a-zA-Z0-9 .,]{1,12}",
        any::<String>(),
    ];
    // Without the control characters that text may not hold, so that a generated section is
    // accepted and exported rather than skipped.
    vec(piece, 1..6).prop_map(|pieces| pieces.concat().replace(is_forbidden_control, ""))
}

/// Links of every accepted form, with arbitrary (but link-safe) paths.
fn link() -> impl Strategy<Value = String> {
    let path = "[A-Za-z0-9._~%!$&'()*+,;=:@/-]{0,20}";
    prop_oneof![
        (
            prop_oneof![Just("http"), Just("HTTPS")],
            "[a-z0-9.-]{1,12}",
            path
        )
            .prop_map(|(s, host, p)| format!("{s}://{host}/{p}")),
        "[a-zA-Z0-9_-][A-Za-z0-9._~%/-]{0,20}".prop_map(|p| format!("/{p}")),
        path.prop_map(|p| format!("#{p}")),
        "[a-z]{1,8}@[a-z]{1,8}\\.org".prop_map(|a| format!("mailto:{a}")),
    ]
}

/// The seed's sections with every text, link and figure replaced by generated ones, and the
/// numbered items resized (1 to 6) under fresh keys.
fn page() -> impl Strategy<Value = Page> {
    (
        vec(tricky_text(), 300),
        vec(link(), 120),
        vec(1..6usize, 4),
        any::<u64>(),
        any::<String>(),
    )
        .prop_map(|(texts, links, counts, salt, body)| {
            let mut page = parse_page(SEED).unwrap();
            let mut texts = texts.into_iter().cycle();
            let mut links = links.into_iter().cycle();
            let mut counts = counts.into_iter().cycle();
            let sections: Vec<_> = page.sections().to_vec();
            for (n, section) in sections.iter().enumerate() {
                let mut value = section.content.to_value();
                if let Some(Value::Array(items)) = value.get_mut("items") {
                    let count = counts.next().unwrap();
                    let template = items.clone();
                    *items = (0..count)
                        .map(|i| {
                            let mut item = template[i % template.len()].clone();
                            item["key"] = json!(format!("k{}{i}", salt % 1000 + n as u64));
                            item
                        })
                        .collect();
                }
                replace_leaves(&mut value, None, &mut texts, &mut links);
                let mut errors = Errors::default();
                let type_name = section.content.type_name();
                if let Some(content) = with_model(|model| {
                    model.section(type_name, &value, &Pointer::root(), &mut errors)
                }) {
                    page.replace_section(&section.id, content);
                }
            }
            page.body = body;
            page
        })
}

fn replace_leaves(
    value: &mut Value,
    field: Option<&str>,
    texts: &mut impl Iterator<Item = String>,
    links: &mut impl Iterator<Item = String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                replace_leaves(child, Some(key), texts, links);
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_leaves(item, None, texts, links);
            }
        }
        Value::String(s) => match field {
            Some("link" | "fig") => *s = links.next().unwrap(),
            Some("type" | "key" | "target") => {}
            _ => *s = texts.next().unwrap(),
        },
        _ => {}
    }
}

/// Any JSON, nested a few levels.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_text().prop_map(Value::String),
        link().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(Value::Array),
            vec(
                (
                    prop_oneof![
                        Just("title".to_owned()),
                        Just("items".to_owned()),
                        Just("key".to_owned()),
                        Just("link".to_owned()),
                        Just("button".to_owned()),
                        Just("type".to_owned()),
                        "[a-z0-9]{1,6}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn accepted_content_exports_and_reimports_to_the_same_content(page in page()) {
        let text = write_page(&page);
        let back = parse_page(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &page);
        // And to Hugo: a YAML 1.1 reading of the front matter is the same data.
        let (front, _) = split(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let as_yaml_1_1 = yaml11::read(front).map_err(TestCaseError::fail)?;
        prop_assert_eq!(as_yaml_1_1, front_matter(&page), "{}", text);
    }

    #[test]
    fn the_validator_never_panics_and_fails_exactly_when_it_reports(value in json(), n in 0..9usize) {
        let mut errors = Errors::default();
        let types = ["teaser", "features", "roles", "vision", "users", "company", "commons", "contributor", "entrance"];
        let parsed = with_model(|model| model.section(types[n], &value, &Pointer::root(), &mut errors));
        prop_assert_eq!(parsed.is_none(), !errors.is_empty());
    }

    #[test]
    fn reading_and_checking_never_panic_on_arbitrary_text(text in any::<String>()) {
        let _ = parse_page(&text);
        let _ = check_page(&text);
        let _ = check_page(&format!("---\n{text}\n---\n{text}"));
    }

    #[test]
    fn reading_and_checking_never_panic_on_a_damaged_seed(
        edits in vec((any::<prop::sample::Index>(), 0..4u8, tricky_text()), 1..8)
    ) {
        let mut text = SEED.to_owned();
        for (at, kind, insert) in edits {
            let mut cut = at.index(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            match kind {
                0 => text.insert_str(cut, &insert),
                1 => text.truncate(cut),
                2 => {
                    let end = (cut + insert.len()).min(text.len());
                    let mut end = end;
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(cut..end, "");
                }
                _ => text.insert_str(cut, "\n  "),
            }
        }
        let report = check_page(&text);
        // A page is importable exactly when it has no errors.
        prop_assert_eq!(report.page.is_some(), report.errors.is_empty());
    }
}
