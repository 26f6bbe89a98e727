//! The body's `{{< param "g3Teaser.title" >}}` shortcodes against the front matter.
//!
//! Hugo's own `param` shortcode fails the build on a missing key, but the Gen3 site's prints
//! nothing, so a key removed from the front matter while the body still uses it (the seed's
//! `g3Commons.c12`) silently renders an empty logo slot. The opposite, a field the body never
//! prints, is an edit that shows up nowhere. Both are warnings: the page is still valid.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::read::PageFile;
use crate::hugo::Finding;

/// A `param` shortcode in either delimiter style, its key quoted, back-quoted or bare.
static PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{\{[<%]\s*param\s+(?:"([^"\n]*)"|`([^`]*)`|([^\s"`>%}]+))\s*[>%]\}\}"#)
        .expect("a valid pattern")
});

/// Shortcodes that loop over a list of the front matter named by their argument.
static LIST_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{\{[<%]\s*(events|webinar|makelist)\s+"([^"\n]*)"\s*[>%]\}\}"#)
        .expect("a valid pattern")
});

/// Every reference of the body to the front matter, with the shortcode that makes it: the
/// `param` keys, then the lists that `events`, `webinar` and `makelist` loop over.
pub fn all(body: &str) -> impl Iterator<Item = (&'static str, regex::Match<'_>)> {
    let lists = LIST_SHORTCODE.captures_iter(body).map(|c| {
        let name = match c.get(1).expect("always captured").as_str() {
            "events" => "events",
            "webinar" => "webinar",
            _ => "makelist",
        };
        (name, c.get(2).expect("always captured"))
    });
    params(body).map(|key| ("param", key)).chain(lists)
}

/// A `ref` or `relref` shortcode: a link to another page, which Hugo fails the build over when
/// that page is missing.
static PAGE_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{\{[<%]\s*(?:rel)?ref\s+"([^"\n]*)"\s*[>%]\}\}"#).expect("a valid pattern")
});

/// The pages the body links to with `ref` and `relref`, as written, where they stand.
pub fn page_refs(body: &str) -> impl Iterator<Item = regex::Match<'_>> {
    PAGE_REF.captures_iter(body).filter_map(|c| c.get(1))
}

/// Whether a `ref` to `target` (`products/workspaces.md`, `/products/workspaces`, `workspaces`,
/// with or without an `#anchor`) names the page `id`, as Hugo resolves it: by path from
/// `content/`, or by file name alone.
pub fn names_page(target: &str, id: &str) -> bool {
    let target = target.split('#').next().unwrap_or_default();
    let target = target.trim_start_matches('/').trim_end_matches('/');
    let target = [".md", ".adoc", ".html"]
        .iter()
        .find_map(|ext| target.strip_suffix(ext))
        .unwrap_or(target);
    let section = id.strip_suffix("/_index").unwrap_or(id);
    !target.is_empty()
        && (target == id
            || target == section
            || (!target.contains('/') && id.rsplit('/').next() == Some(target)))
}

/// A reference that a change of the front matter would leave unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    /// The dotted key, as the body spells it.
    pub key: String,
    /// The front matter path of what the change removes: the shortest prefix of the key that
    /// `before` has and `after` lacks, spelled as the front matter spells it.
    pub removed: Vec<String>,
    /// Where the reference stands in the body (a byte offset).
    pub at: usize,
}

/// The references of `body` that the front matter `before` answers and `after` does not, in
/// body order. References that `before` already leaves dangling are not the change's doing.
pub fn lost(body: &str, before: &Value, after: &Value) -> Vec<Lost> {
    let mut found: Vec<Lost> = all(body)
        .filter(|(_, key)| {
            lookup(before, key.as_str()).is_some() && lookup(after, key.as_str()).is_none()
        })
        .map(|(_, key)| {
            let parts: Vec<&str> = key.as_str().split('.').collect();
            let mut removed = Vec::new();
            let mut value = before;
            for part in &parts {
                let Some((name, next)) = value
                    .as_object()
                    .and_then(|map| map.iter().find(|(name, _)| name.eq_ignore_ascii_case(part)))
                else {
                    break;
                };
                removed.push(name.clone());
                value = next;
                if lookup(after, &removed.join(".")).is_none() {
                    break;
                }
            }
            Lost {
                key: key.as_str().to_owned(),
                removed,
                at: key.start(),
            }
        })
        .collect();
    found.sort_by_key(|lost| lost.at);
    found
}

/// The keys the body's `param` shortcodes ask for, in order of appearance.
pub fn param_keys(body: &str) -> Vec<&str> {
    params(body).map(|m| m.as_str()).collect()
}

/// The keys of the body's `param` shortcodes where they stand in it, in order of appearance.
pub fn params(body: &str) -> impl Iterator<Item = regex::Match<'_>> {
    PARAM
        .captures_iter(body)
        .filter_map(|c| c.iter().skip(1).flatten().next())
}

/// Every key the body asks for but the front matter lacks, and every front matter field the
/// body never asks for (metadata aside: Hugo shows that itself), as warnings in the order the
/// file has them.
pub fn check(file: &PageFile<'_>, is_metadata: impl Fn(&str) -> bool) -> Vec<Finding> {
    let keys = param_keys(file.body);
    let mut findings = Vec::new();
    let mut reported = Vec::new();
    for &key in &keys {
        if lookup(&file.data, key).is_none() && !reported.contains(&key) {
            reported.push(key);
            findings.push(Finding {
                path: key.to_owned(),
                line: None,
                detail: "referenced by the body, missing from the front matter".to_owned(),
            });
        }
    }

    let mut fields = Vec::new();
    if let Value::Object(top) = &file.data {
        for (key, value) in top {
            // Hugo itself shows the page metadata; the body need not.
            if !is_metadata(key) {
                leaves(value, &mut vec![key.clone()], &mut fields);
            }
        }
    }
    let asked: Vec<Vec<&str>> = keys.iter().map(|key| key.split('.').collect()).collect();
    let used = |path: &[String]| {
        asked.iter().any(|parts| {
            // Asking for a map prints all of it.
            parts.len() <= path.len()
                && parts
                    .iter()
                    .zip(path)
                    .all(|(part, segment)| part.eq_ignore_ascii_case(segment))
        })
    };
    for path in fields.iter().filter(|path| !used(path)) {
        let pointer = path
            .iter()
            .fold(crate::model::Pointer::root(), |at, key| at.child(key));
        findings.push(file.finding(crate::model::FieldError {
            pointer: pointer.as_str().to_owned(),
            detail: "in the front matter, never used by the body".to_owned(),
        }));
    }
    findings
}

/// The value at a dotted key, compared without case as Hugo does (it lower-cases every key).
pub fn lookup<'v>(data: &'v Value, key: &str) -> Option<&'v Value> {
    key.split('.').try_fold(data, |value, part| {
        value
            .as_object()?
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(part))
            .map(|(_, value)| value)
    })
}

/// The paths of every non-map value under `value`.
fn leaves(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                path.push(key.clone());
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seed/about.md");

    #[test]
    fn the_seed_has_three_dangling_references_and_three_unused_fields() {
        let file = PageFile::read(SEED).unwrap();
        let metadata = ["identifier", "title", "linktitle", "date"];
        let found: Vec<String> = check(&file, |key| metadata.contains(&key))
            .iter()
            .map(ToString::to_string)
            .collect();
        let lines: Vec<&str> = SEED.lines().collect();
        // The first line containing `needle` after the line `after`.
        let line = |needle: &str, after: &str| {
            let start = lines.iter().position(|l| *l == after).unwrap();
            start
                + lines[start..]
                    .iter()
                    .position(|l| l.contains(needle))
                    .unwrap()
                + 1
        };
        assert_eq!(
            found,
            [
                "g3Commons.c12.link: referenced by the body, missing from the front matter"
                    .to_owned(),
                "g3Commons.c12.title: referenced by the body, missing from the front matter"
                    .to_owned(),
                "g3Commons.c12.fig: referenced by the body, missing from the front matter"
                    .to_owned(),
                format!(
                    "g3Roles.r2.button.target (line {}): in the front matter, never used by the body",
                    line("target:", "  r2:")
                ),
                format!(
                    "g3Roles.r3.button.target (line {}): in the front matter, never used by the body",
                    line("target:", "  r3:")
                ),
                format!(
                    "g3User.button.target (line {}): in the front matter, never used by the body",
                    line("target:", "g3User:")
                ),
            ]
        );
    }

    #[test]
    fn every_shortcode_spelling_is_found() {
        let body = r#"{{< param "a.b" >}} {{% param `c` %}} {{<param d.e>}} {{< params "x" >}}"#;
        assert_eq!(param_keys(body), ["a.b", "c", "d.e"]);
    }

    #[test]
    fn keys_match_without_case_and_maps_count_as_used() {
        let text = "---\ng3Teaser:\n  title: T\n  button1:\n    caption: C\n    link: /x\n---\n\
                    {{< param \"G3TEASER.TITLE\" >}} {{< param \"g3Teaser.button1\" >}}";
        assert!(check(&PageFile::read(text).unwrap(), |_| false).is_empty());
    }
}

#[cfg(test)]
mod ref_tests {
    use super::*;

    #[test]
    fn page_refs_name_pages_as_hugo_resolves_them() {
        let body =
            r#"see {{< ref "products/workspaces.md" >}} and {{% relref "/community#top" %}}"#;
        let refs: Vec<&str> = page_refs(body).map(|m| m.as_str()).collect();
        assert_eq!(refs, ["products/workspaces.md", "/community#top"]);
        assert!(names_page(refs[0], "products/workspaces"));
        assert!(names_page(refs[1], "community/_index"));
        assert!(names_page("workspaces", "products/workspaces"));
        assert!(!names_page("products/work", "products/workspaces"));
        assert!(!names_page("", "products/workspaces"));
    }
}
