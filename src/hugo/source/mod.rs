//! The front matter as the site team wrote it: every value with the bytes it occupies in the
//! file, so that an edit rewrites those bytes and nothing else.
//!
//! A YAML library that reads into values and writes them out again loses what the site's files
//! hold besides the values: comments, key order as written, quoting, blank lines, line widths.
//! The lossless export keeps the imported text and edits it in place: [`locate`] finds where
//! each scalar stands (saphyr-parser reports a span per event), [`replace`] puts a new value there,
//! written by [`yaml::scalar`](super::yaml::scalar), the rule that makes YAML 1.1 (Hugo) and 1.2
//! readers read exactly the stored string.

mod edit;
mod locate;
mod rewrite;

pub use edit::{insert_after, insert_item, remove, replace};
pub use locate::{Entry, Located, SourceError, Step, entries, line_of, locate};
pub use rewrite::rewrite;

#[cfg(test)]
mod tests {
    use saphyr_parser::ScalarStyle;

    use super::*;

    const SAMPLE: &str = "a: plain text # a comment\nb: 'single ''q'''\nc: \"dbl\\n\"\nd: |\n  block\n  two\ne: >-\n  folded\n\nf:\n  - x\n  - y: 1\nname: é ü\nempty:\nlast: z\n";

    fn find<'a>(all: &'a [Located], path: &[&str]) -> &'a Located {
        all.iter()
            .find(|l| {
                l.path.len() == path.len()
                    && l.path.iter().zip(path).all(|(s, p)| match s {
                        Step::Key(k) => k == p,
                        Step::Index(i) => i.to_string() == *p,
                    })
            })
            .unwrap_or_else(|| panic!("{path:?} located"))
    }

    #[test]
    fn every_value_is_found_with_its_exact_bytes() {
        let all = locate(SAMPLE).unwrap();
        let text = |path: &[&str]| &SAMPLE[find(&all, path).bytes.clone()];
        assert_eq!(text(&["a"]), "plain text");
        assert_eq!(text(&["b"]), "'single ''q'''");
        assert_eq!(find(&all, &["b"]).value, "single 'q'");
        assert_eq!(text(&["c"]), "\"dbl\\n\"");
        assert_eq!(text(&["d"]), "|\n  block\n  two");
        assert_eq!(find(&all, &["d"]).value, "block\ntwo\n");
        assert_eq!(text(&["e"]), ">-\n  folded");
        assert_eq!(text(&["f", "0"]), "x");
        assert_eq!(text(&["f", "1", "y"]), "1");
        assert_eq!(text(&["name"]), "é ü");
        assert_eq!(text(&["empty"]), "");
        assert_eq!(find(&all, &["last"]).line, 15);
    }

    #[test]
    fn a_replacement_changes_only_the_lines_of_its_value() {
        let all = locate(SAMPLE).unwrap();
        for (path, value) in [
            (&["a"][..], "yes"),
            (&["d"][..], "one line now"),
            (&["e"][..], "two\nlines"),
            (&["f", "1", "y"][..], "2"),
            (&["empty"][..], "filled"),
            (&["name"][..], "#hash: and colon"),
        ] {
            let at = find(&all, path);
            let edited = replace(SAMPLE, at, value);
            let again = locate(&edited).unwrap();
            assert_eq!(find(&again, path).value, value, "{path:?} reads back");
            for other in &all {
                if other.path != at.path {
                    let now = again.iter().find(|l| l.path == other.path).unwrap();
                    assert_eq!(now.value, other.value, "{:?} unchanged", other.path);
                }
            }
            let before: Vec<&str> = SAMPLE.lines().collect();
            let after: Vec<&str> = edited.lines().collect();
            let value_lines = SAMPLE[at.bytes.clone()].lines().count().max(1);
            assert_eq!(before.len() - value_lines + 1, after.len(), "{path:?}");
            let first = at.line - 1;
            assert_eq!(before[..first], after[..first], "{path:?}: lines before");
            assert_eq!(
                before[first + value_lines..],
                after[first + 1..],
                "{path:?}: lines after"
            );
        }
    }

    /// Every page file of the Gen3 site at the seed's revision: (name under `content/`, front
    /// matter).
    fn site_front_matters() -> Vec<(String, String)> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");
        let site = super::super::site::read_dir(std::path::Path::new(root)).unwrap();
        site.pages
            .into_iter()
            .map(|page| {
                let front = super::super::split(&page.text).unwrap().0.to_owned();
                (page.file, front)
            })
            .collect()
    }

    /// The scalar leaves of `value` as a YAML 1.2 library reads them, with their paths.
    fn leaves(value: &serde_yaml::Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, String)>) {
        use serde_yaml::Value as V;
        match value {
            V::Mapping(map) => {
                for (k, v) in map {
                    path.push(Step::Key(k.as_str().expect("string keys").to_owned()));
                    leaves(v, path, out);
                    path.pop();
                }
            }
            V::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    leaves(v, path, out);
                    path.pop();
                }
            }
            V::String(text) => out.push((path.clone(), text.clone())),
            V::Number(n) => out.push((path.clone(), n.to_string())),
            V::Bool(b) => out.push((path.clone(), b.to_string())),
            V::Null => out.push((path.clone(), String::new())),
            V::Tagged(_) => panic!("no tags in the site"),
        }
    }

    #[test]
    fn every_value_of_every_site_page_is_located_where_a_yaml_library_reads_it() {
        let files = site_front_matters();
        assert_eq!(files.len(), 46);
        let mut total = 0;
        let mut duplicates = Vec::new();
        for (name, front) in &files {
            let all = locate(front).unwrap_or_else(|e| panic!("{name}: {e}"));
            total += all.len();
            // A key given twice: YAML 1.2 libraries refuse the file, Hugo takes the last value;
            // the text (and so the export) keeps both.
            let Ok(parsed) = serde_yaml::from_str::<serde_yaml::Value>(front) else {
                duplicates.push(name.as_str());
                continue;
            };
            let mut expected = Vec::new();
            leaves(&parsed, &mut Vec::new(), &mut expected);
            let got: Vec<(Vec<Step>, String)> = all
                .iter()
                .map(|l| {
                    let value = match (l.style, l.value.as_str()) {
                        (ScalarStyle::Plain, "~" | "null" | "Null" | "NULL") => String::new(),
                        (ScalarStyle::Plain, v) if v.parse::<f64>().is_ok() => {
                            serde_yaml::from_str::<serde_yaml::Value>(v).map_or(v.to_owned(), |n| {
                                match n {
                                    serde_yaml::Value::Number(n) => n.to_string(),
                                    _ => v.to_owned(),
                                }
                            })
                        }
                        (_, v) => v.to_owned(),
                    };
                    (l.path.clone(), value)
                })
                .collect();
            // In text order, which is the library's mapping order too.
            assert_eq!(got, expected, "{name}");
        }
        assert_eq!(
            duplicates,
            [
                "resources/developer/tech-intro.md",
                "resources/developer/ui-library.md"
            ],
            "`draft` twice"
        );
        assert!(total > 800, "{total} values");
    }

    #[test]
    fn editing_any_value_of_any_site_page_changes_only_its_lines() {
        let mut edits = 0;
        for (name, front) in site_front_matters() {
            let all = locate(&front).unwrap();
            let before: Vec<&str> = front.lines().collect();
            for (n, at) in all.iter().enumerate() {
                let value = format!("edited {n}: yes");
                let edited = replace(&front, at, &value);
                let again = locate(&edited).unwrap_or_else(|e| panic!("{name} {:?}: {e}", at.path));
                assert_eq!(again.len(), all.len(), "{name} {:?}", at.path);
                for (i, (old, new)) in all.iter().zip(&again).enumerate() {
                    assert_eq!(old.path, new.path, "{name}");
                    let want = if i == n { &value } else { &old.value };
                    assert_eq!(
                        &new.value, want,
                        "{name} {:?} after editing {:?}",
                        new.path, at.path
                    );
                }
                let after: Vec<&str> = edited.lines().collect();
                let lines = front[at.bytes.clone()].lines().count().max(1);
                let first = at.line - 1;
                assert_eq!(before[..first], after[..first], "{name} {:?}", at.path);
                assert_eq!(
                    before[first + lines..],
                    after[first + 1..],
                    "{name} {:?}",
                    at.path
                );
                edits += 1;
            }
        }
        assert!(edits > 800, "{edits} edits");
    }

    /// The last item of every numbered map of the site (`g3Feature.f6`, `g3Commons.c24`, …).
    fn last_items(front: &str) -> Vec<Entry> {
        let numbered = regex::Regex::new(r"^[A-Za-z]+[0-9]+$").unwrap();
        let all = entries(front).unwrap();
        let mut last: Vec<Entry> = Vec::new();
        for e in all.into_iter().filter(|e| e.path.len() == 2) {
            let Step::Key(key) = &e.path[1] else { continue };
            if !numbered.is_match(key) {
                continue;
            }
            match last.last_mut() {
                Some(previous) if previous.path[0] == e.path[0] => *previous = e,
                _ => last.push(e),
            }
        }
        last
    }

    fn under(value: &Located, path: &[Step]) -> bool {
        value.path.len() >= path.len() && value.path[..path.len()] == *path
    }

    #[test]
    fn items_of_numbered_maps_come_and_go_as_whole_lines_on_every_site_page() {
        let item = serde_json::json!({"title": "A new item: yes", "detail": "on", "link": "/new"});
        let mut maps = 0;
        for (name, front) in site_front_matters() {
            let values = locate(&front).unwrap();
            for last in last_items(&front) {
                maps += 1;
                let what = format!("{name} {:?}", last.path);
                // Removed: exactly its lines go, and everything else reads as before.
                let removed = remove(&front, &last);
                let kept: Vec<_> = values.iter().filter(|v| !under(v, &last.path)).collect();
                let now = locate(&removed).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(now.iter().collect::<Vec<_>>().len(), kept.len(), "{what}");
                for (a, b) in now.iter().zip(&kept) {
                    assert_eq!((&a.path, &a.value), (&b.path, &b.value), "{what}");
                }
                let gone = front[last.lines.clone()].lines().count();
                assert_eq!(
                    front.lines().count() - gone,
                    removed.lines().count(),
                    "{what}"
                );
                // Added after it: new lines only, at its indentation, read back as written.
                let Step::Key(parent) = &last.path[0] else {
                    unreachable!()
                };
                let added = insert_after(&front, &last, "zz99", &item);
                let now = locate(&added).unwrap_or_else(|e| panic!("{what}: {e}\n{added}"));
                let new: Vec<_> = now
                    .iter()
                    .filter(|v| under(v, &[Step::Key(parent.clone()), Step::Key("zz99".into())]))
                    .map(|v| v.value.as_str())
                    .collect();
                assert_eq!(new, ["A new item: yes", "on", "/new"], "{what}");
                assert_eq!(now.len(), values.len() + 3, "{what}");
                let before: Vec<&str> = front.lines().collect();
                let after: Vec<&str> = added.lines().collect();
                let at = front[..last.lines.end].lines().count();
                assert_eq!(before[..at], after[..at], "{what}");
                assert_eq!(before[at..], after[at + 4..], "{what}");
            }
        }
        assert!(maps >= 20, "{maps} numbered maps");
    }

    /// The lines of `after` that are not in `before`, and those of `before` not in `after`,
    /// taken as a diff would: the common prefix and suffix aside.
    fn differing(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
        let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
        let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let tail = a[head..]
            .iter()
            .rev()
            .zip(b[head..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let own = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect();
        (own(&a[head..a.len() - tail]), own(&b[head..b.len() - tail]))
    }

    #[test]
    fn list_items_come_and_go_as_whole_lines_on_every_site_page() {
        let mut lists = 0;
        for (name, front) in site_front_matters() {
            let data: serde_json::Value = serde_yaml::from_str(&front).unwrap();
            let Some(top) = data.as_object() else {
                continue;
            };
            for (key, value) in top {
                let Some(items) = value.as_array().filter(|items| items.len() >= 2) else {
                    continue;
                };
                lists += 1;
                let what = format!("{name} {key}");
                let edit = |items: Vec<serde_json::Value>| {
                    let mut next = data.clone();
                    next[key] = serde_json::Value::Array(items);
                    rewrite(&front, &next).unwrap_or_else(|| panic!("{what}: no rewrite"))
                };
                let mut new_item = items[0].clone();
                if let Some(map) = new_item.as_object_mut() {
                    for value in map.values_mut().filter(|v| v.is_string()) {
                        *value = serde_json::Value::from("A new event: yes");
                    }
                } else {
                    new_item = serde_json::Value::from("A new item: yes");
                }
                let item_lines = super::super::yaml::item(&new_item, 0).lines().count();
                // Added first, in the middle, last: only the new item's lines are new.
                for at in [0, items.len() / 2, items.len()] {
                    let mut next = items.clone();
                    next.insert(at, new_item.clone());
                    let text = edit(next);
                    let (gone, added) = differing(&front, &text);
                    assert!(gone.is_empty(), "{what} at {at}: {gone:?}");
                    assert_eq!(added.len(), item_lines, "{what} at {at}: {added:?}");
                    assert!(added[0].trim_start().starts_with("- "), "{what}: {added:?}");
                }
                // Removed: exactly its lines go.
                for at in [0, items.len() - 1] {
                    let mut next = items.clone();
                    next.remove(at);
                    let text = edit(next);
                    let (_, added) = differing(&front, &text);
                    assert!(added.is_empty(), "{what} removing {at}: {added:?}");
                    assert!(text.lines().count() < front.lines().count(), "{what}");
                }
                // A field of one item changed: its line only.
                if let Some((field, _)) = items[1]
                    .as_object()
                    .and_then(|m| m.iter().find(|(_, v)| v.is_string()))
                {
                    let mut next = items.clone();
                    next[1][field] = serde_json::Value::from("Changed: in place");
                    let (gone, added) = differing(&front, &edit(next));
                    assert_eq!((gone.len(), added.len()), (1, 1), "{what}: {added:?}");
                }
            }
        }
        assert!(lists >= 2, "{lists} lists");
    }

    #[test]
    fn an_entry_ends_before_the_blank_lines_and_comments_of_what_follows() {
        let yaml =
            "top:\n  a1:\n    t: x\n    # about a1\n\n  # about a2\n  a2:\n    t: y\nnext: z\n";
        let all = entries(yaml).unwrap();
        let a1 = all
            .iter()
            .find(|e| e.path.len() == 2 && e.path[1] == Step::Key("a1".into()))
            .unwrap();
        assert_eq!(&yaml[a1.lines.clone()], "  a1:\n    t: x\n    # about a1\n");
        let a2 = all
            .iter()
            .find(|e| e.path.len() == 2 && e.path[1] == Step::Key("a2".into()))
            .unwrap();
        assert_eq!(&yaml[a2.lines.clone()], "  a2:\n    t: y\n");
        assert_eq!(
            remove(yaml, a2),
            "top:\n  a1:\n    t: x\n    # about a1\n\n  # about a2\nnext: z\n"
        );
    }

    #[test]
    fn rewrite_edits_flags_and_numbers_in_place_and_a_page_with_a_key_given_twice() {
        let yaml = "title: T\ndraft: true\nweight: 3\ndraft: true\n";
        let new = serde_json::json!({"title": "T", "draft": false, "weight": 4});
        assert_eq!(
            rewrite(yaml, &new).unwrap(),
            "title: T\ndraft: true\nweight: 4\ndraft: false\n"
        );
    }
}
