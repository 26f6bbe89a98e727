//! Reading a Hugo page (YAML front matter, then the HTML body) into a [`Page`].
//!
//! The front matter keeps numbered maps (`f1`..`f6`) and a bare string (`g3Company`) where the
//! API has `items` arrays and objects. Each section's front matter is reshaped into the API's form
//! and then parsed by the very parser that checks request bodies, so the page file and the API
//! obey one set of rules; errors are translated back into YAML paths with their line numbers.

use serde_json::{Map, Value};

use super::{Finding, HugoError, META_KEYS, Shape, front_matter_key, split};
use crate::model::page::{Page, PageMeta};
use crate::model::parse::{Errors, Parse, Pointer};
use crate::model::section::{SectionContent, SectionId};
use crate::model::text::is_item_key;

/// A page file split into its parts, its front matter parsed as YAML but not yet checked.
#[derive(Debug, Clone)]
pub struct PageFile<'a> {
    /// The front matter's text, without the `---` lines.
    pub front: &'a str,
    /// The front matter as data.
    pub data: Value,
    /// Everything after the closing `---` line, byte for byte.
    pub body: &'a str,
}

impl<'a> PageFile<'a> {
    /// Splits `text` and parses its front matter as YAML.
    pub fn read(text: &'a str) -> Result<Self, HugoError> {
        let (front, body) = split(text)?;
        let data = serde_yaml::from_str(front).map_err(|e| HugoError::Syntax {
            // libyaml counts lines from 1; +1 for the opening `---` line.
            line: e.location().map_or(1, |l| l.line() + 1),
            message: e.to_string(),
        })?;
        Ok(Self { front, data, body })
    }

    /// The page, or every problem with it at its YAML path and line.
    pub fn page(&self) -> Result<Page, Vec<Finding>> {
        parse_front_matter(&self.data, self.body).map_err(|findings| {
            findings
                .into_iter()
                .map(|(path, detail)| self.finding(&path, detail))
                .collect()
        })
    }

    /// A finding at `path`, with the line of the file where that path is written.
    pub fn finding(&self, path: &[String], detail: String) -> Finding {
        Finding {
            line: line_of(self.front, path).map(|n| n + 1),
            path: path.join("."),
            detail,
        }
    }
}

/// Parses a whole Hugo page file.
pub fn parse_page(text: &str) -> Result<Page, HugoError> {
    PageFile::read(text)?.page().map_err(HugoError::Invalid)
}

type YamlFindings = Vec<(Vec<String>, String)>;

/// Builds the page from parsed front matter, or lists every problem at its YAML path.
fn parse_front_matter(data: &Value, body: &str) -> Result<Page, YamlFindings> {
    let Value::Object(top) = data else {
        return Err(vec![(
            vec![],
            "the front matter must be a mapping of keys".to_owned(),
        )]);
    };
    let mut findings = YamlFindings::new();

    let known = |key: &str| {
        META_KEYS.contains(&key)
            || SectionId::ALL
                .iter()
                .any(|&id| front_matter_key(id).0 == key)
    };
    for key in top.keys().filter(|key| !known(key)) {
        findings.push((vec![key.clone()], "is not a known field".to_owned()));
    }

    let meta_value: Map<String, Value> = META_KEYS
        .iter()
        .filter_map(|&k| top.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect();
    let mut errors = Errors::default();
    let meta = PageMeta::parse(&Value::Object(meta_value), &Pointer::root(), &mut errors);
    findings.extend(
        errors
            .into_vec()
            .into_iter()
            .map(|e| (pointer_tokens(&e.pointer), e.detail)),
    );

    let mut sections = Vec::with_capacity(SectionId::ALL.len());
    for id in SectionId::ALL {
        let (key, shape) = front_matter_key(id);
        let Some(value) = top.get(key) else {
            findings.push((vec![key.to_owned()], "is required".to_owned()));
            continue;
        };
        let (reshaped, item_keys) = reshape(value, shape);
        let mut errors = Errors::default();
        match SectionContent::parse_as(id, &reshaped, &Pointer::root(), &mut errors) {
            Some(content) => sections.push(content),
            None => findings.extend(errors.into_vec().into_iter().map(|e| {
                let path = yaml_path(key, shape, &item_keys, &pointer_tokens(&e.pointer));
                (path, e.detail)
            })),
        }
    }

    match meta {
        Some(meta) if findings.is_empty() => {
            Ok(Page::new(meta, body.to_owned(), sections).expect("all nine sections, in order"))
        }
        _ => Err(findings),
    }
}

/// Turns a section's front matter into the API's shape; also returns the items' keys in order.
fn reshape(value: &Value, shape: Shape) -> (Value, Vec<String>) {
    match (shape, value) {
        (Shape::Bare(field), _) => {
            let mut object = Map::new();
            object.insert(field.to_owned(), value.clone());
            (Value::Object(object), vec![])
        }
        (Shape::NumberedItems, Value::Object(map)) => {
            let mut object = Map::new();
            let mut items = Vec::new();
            let mut keys = Vec::new();
            for (key, item) in map {
                if is_item_key(key) {
                    let item = match item {
                        Value::Object(fields) => {
                            let mut with_key = Map::with_capacity(fields.len() + 1);
                            with_key.insert("key".to_owned(), Value::String(key.clone()));
                            with_key.extend(fields.clone());
                            Value::Object(with_key)
                        }
                        other => other.clone(),
                    };
                    items.push(item);
                    keys.push(key.clone());
                } else {
                    object.insert(key.clone(), item.clone());
                }
            }
            object.insert("items".to_owned(), Value::Array(items));
            (Value::Object(object), keys)
        }
        _ => (value.clone(), vec![]),
    }
}

/// The YAML path of an error found at `tokens` in the reshaped section.
fn yaml_path(key: &str, shape: Shape, item_keys: &[String], tokens: &[String]) -> Vec<String> {
    let mut path = vec![key.to_owned()];
    match (shape, tokens) {
        (Shape::Bare(_), _) => {}
        (Shape::NumberedItems, [items, index, rest @ ..]) if items == "items" => {
            let item = index.parse::<usize>().ok().and_then(|i| item_keys.get(i));
            path.push(item.cloned().unwrap_or_else(|| index.clone()));
            // An item's key is its name in the front matter, not a field of its own.
            if rest != ["key"] {
                path.extend(rest.iter().cloned());
            }
        }
        (Shape::NumberedItems, [items]) if items == "items" => {}
        _ => path.extend(tokens.iter().cloned()),
    }
    path
}

/// The unescaped reference tokens of a JSON Pointer.
fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The 1-based line of `path` in block-style YAML, or of the deepest part of it that exists.
/// The YAML parser keeps no positions for values, so this follows the indentation.
pub fn line_of(yaml: &str, path: &[String]) -> Option<usize> {
    let mut found = None;
    let mut parent_indent: Option<usize> = None;
    let mut child_indent: Option<usize> = None;
    let mut depth = 0;
    for (n, line) in yaml.lines().enumerate() {
        let Some(segment) = path.get(depth) else {
            break;
        };
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        if parent_indent.is_some_and(|parent| indent <= parent) {
            break;
        }
        if *child_indent.get_or_insert(indent) != indent {
            continue;
        }
        let key = content
            .split(':')
            .next()
            .unwrap_or_default()
            .trim_matches(['"', '\'']);
        if key == segment
            && content[key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':')
        {
            found = Some(n + 1);
            parent_indent = Some(indent);
            child_indent = None;
            depth += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seed/about.md");

    fn findings(text: &str) -> Vec<String> {
        match parse_page(text) {
            Err(HugoError::Invalid(found)) => found.iter().map(ToString::to_string).collect(),
            other => panic!("expected findings, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_parses_into_nine_sections_with_its_body_verbatim() {
        let page = parse_page(SEED).expect("the seed is valid");
        assert_eq!(page.sections().len(), 9);
        let (_, body) = split(SEED).unwrap();
        assert_eq!(page.body, body);
        assert!(
            page.body
                .starts_with("\n<section class=\"g3-bg__solight\">")
        );
        let SectionContent::Commons(commons) = &page.sections()[6] else {
            panic!()
        };
        let keys: Vec<&str> = commons.items.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys.len(), 22);
        assert!(!keys.contains(&"c12") && !keys.contains(&"c1"));
        assert_eq!(keys.first(), Some(&"c2"));
        assert_eq!(keys.last(), Some(&"c24"));
    }

    #[test]
    fn errors_name_the_yaml_path_and_line() {
        let text = SEED.replace(
            "link: https://data.bloodpac.org",
            "link: javascript:alert(1)",
        );
        let found = findings(&text);
        let line = SEED
            .lines()
            .position(|l| l.contains("https://data.bloodpac.org"))
            .unwrap()
            + 1;
        assert_eq!(
            found,
            vec![format!(
                "g3Commons.c5.link (line {line}): must be an http(s) URL, a site path starting with /, a #fragment or mailto:"
            )]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = SEED
            .replace("g3RLG:\n  quote:", "g3RLG:\n  quot:")
            .replace("g3Company: In good company...", "g3Company: [1, 2]")
            .replace(
                "    target: _blank\n  button2",
                "    target: _new\n  button2",
            )
            .replace("linktitle: about\n", "");
        let found = findings(&text);
        let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(
            found.iter().any(|f| f == "linktitle: is required"),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("g3RLG.quot (line ") && f.ends_with("is not a known field")),
            "{found:?}"
        );
        let rlg = line("g3RLG:");
        assert!(
            found.contains(&format!("g3RLG.quote (line {rlg}): is required")),
            "{found:?}"
        );
        let company = line("g3Company:");
        assert!(
            found.contains(&format!(
                "g3Company (line {company}): must be a string, not an array"
            )),
            "{found:?}"
        );
        let target = line("target: _new");
        assert!(
            found.contains(&format!(
                "g3Teaser.button1.target (line {target}): must be one of _blank, _self, _parent, _top"
            )),
            "{found:?}"
        );
        assert_eq!(found.len(), 5, "{found:?}");
    }

    #[test]
    fn an_unknown_field_alone_is_still_an_error() {
        let text = SEED.replace("g3RLG:\n  quote:", "g3RLG:\n  qoute: typo\n  quote:");
        let line = text.lines().position(|l| l.contains("qoute")).unwrap() + 1;
        assert_eq!(
            findings(&text),
            [format!("g3RLG.qoute (line {line}): is not a known field")]
        );
    }

    #[test]
    fn yaml_syntax_errors_carry_a_line() {
        let text = SEED.replace("g3RLG:\n", "g3RLG: [\n");
        match parse_page(&text) {
            // The parser notices the unclosed `[` where the next mapping key starts.
            Err(HugoError::Syntax { line, .. }) => {
                assert_eq!(line, text.lines().position(|l| l == "g3User:").unwrap() + 1)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_page_without_front_matter_is_refused() {
        assert!(matches!(
            parse_page("<p>hi</p>"),
            Err(HugoError::NoFrontMatter)
        ));
        assert!(matches!(
            parse_page("---\ntitle: x\n"),
            Err(HugoError::Unclosed)
        ));
    }
}
