//! Reading a Hugo page (front matter in any of Hugo's formats, then the body) into a [`Page`]
//! under the content model.
//!
//! The front matter keeps numbered maps (`f1`..`f6`) and bare strings (`g3Company`) where the
//! API has `items` arrays and objects; the model's engine reshapes each section into the API's
//! form and checks it with the very rules that check request bodies, so the page file and the API
//! obey one set of rules. Problems come back as YAML paths with the lines they are on.

use serde_json::Value;

use super::{Finding, Format, HugoError, split};
use crate::model::{FieldError, Model, Page};

/// A page file split into its parts, its front matter parsed but not yet checked.
#[derive(Debug, Clone)]
pub struct PageFile<'a> {
    pub format: Format,
    /// The front matter's text, without its delimiter lines (for JSON, the object).
    pub front: &'a str,
    /// The front matter as data.
    pub data: Value,
    /// Everything after the closing `---` line, byte for byte.
    pub body: &'a str,
}

impl<'a> PageFile<'a> {
    /// Splits `text` and parses its front matter in its format.
    pub fn read(text: &'a str) -> Result<Self, HugoError> {
        let (front, body) = split(text)?;
        let format = Format::of(text);
        let data = format.parse(front)?;
        Ok(Self {
            format,
            front,
            data,
            body,
        })
    }

    /// Page `id` under `model`, or every problem with it at its YAML path and line.
    pub fn page(&self, model: &Model, id: &str) -> Result<Page, Vec<Finding>> {
        model
            .read_front_matter(id, &self.data, self.body)
            .map_err(|errors| errors.into_iter().map(|e| self.finding(e)).collect())
    }

    /// A problem at a JSON Pointer into the front matter, as a finding at its dotted path, with
    /// the line of the file where that path is written.
    pub fn finding(&self, error: FieldError) -> Finding {
        let tokens: Vec<String> = error
            .pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        Finding {
            line: self.format.line_of(self.front, &tokens),
            path: tokens.join("."),
            detail: error.detail,
        }
    }
}

/// Parses a whole Hugo page file as page `id` under `model`.
pub fn parse_page(text: &str, model: &Model, id: &str) -> Result<Page, HugoError> {
    PageFile::read(text)?
        .page(model, id)
        .map_err(HugoError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seed/about.md");

    fn parse_page(text: &str) -> Result<Page, HugoError> {
        super::parse_page(text, &Model::built_in(), "_index")
    }

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
        let commons = page.section("commons").unwrap().content.value();
        let keys: Vec<&str> = commons["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap())
            .collect();
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
            Err(HugoError::Unclosed(Format::Yaml))
        ));
    }
}
