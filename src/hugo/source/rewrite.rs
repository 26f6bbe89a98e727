//! The front matter made to hold new values: each difference from what it holds planned as the
//! smallest edit, then applied.

use saphyr_parser::ScalarStyle;

use super::edit::*;
use super::locate::*;

/// `yaml` edited so that it holds exactly the data `new`, changing only the lines of the values
/// that differ: a changed scalar in place, a removed mapping entry or list item as its lines, a
/// new entry in lines of its own after the entry that precedes it in `new`, a new list item in
/// lines of its own where it goes (lists are compared item by item: the longest run of equal
/// items stays, the rest are edited in place, removed or inserted). `None` when the change cannot be
/// made that way (a value's shape changed, a new key with no key before it in `new`, a text
/// that a YAML reader refuses); the caller then writes the data afresh. A key given twice
/// (which Hugo and a YAML reader into JSON values accept, the last value winning) is edited at
/// its last place. Keys stay in the file's order. The result is read back and must equal `new`.
pub fn rewrite(yaml: &str, new: &serde_json::Value) -> Option<String> {
    let old: serde_json::Value = serde_yaml::from_str(yaml).ok()?;
    let mut edits = Vec::new();
    plan(&old, new, &mut Vec::new(), &mut edits)?;
    let mut text = yaml.to_owned();
    for edit in &edits {
        text = apply(&text, edit)?;
    }
    let back: serde_json::Value = serde_yaml::from_str(&text).ok()?;
    (back == *new).then_some(text)
}

/// `value` written as YAML, in the quoting of the value it replaces where that can hold it: a
/// single-quoted string stays single-quoted and a double-quoted one double-quoted (both read
/// as the string by every YAML reader), so that an edit keeps the site team's style.
pub(super) fn in_style_of(at: &Located, value: &serde_json::Value) -> String {
    match (at.style, value) {
        (ScalarStyle::SingleQuoted, serde_json::Value::String(s))
            if !s.contains(['\n', '\r']) && !s.chars().any(char::is_control) =>
        {
            format!("'{}'", s.replace('\'', "''"))
        }
        (ScalarStyle::DoubleQuoted, serde_json::Value::String(s)) if !s.contains('\n') => {
            serde_json::to_string(s).expect("a string serialises")
        }
        _ => crate::hugo::yaml::scalar_value(value),
    }
}

/// One change to the text, by path: applied to the text as it is after the ones before.
pub(super) enum Edit {
    /// The scalar at the path becomes this value.
    Replace(Vec<Step>, serde_json::Value),
    Remove(Vec<Step>),
    InsertAfter {
        after: Vec<Step>,
        key: String,
        value: serde_json::Value,
    },
    /// A new item of the list at `list`, before its item `before` (an index in the text as it
    /// is when the edit is applied), or after its last item when `None`.
    InsertItem {
        list: Vec<Step>,
        before: Option<usize>,
        value: serde_json::Value,
    },
}

pub(super) fn plan(
    old: &serde_json::Value,
    new: &serde_json::Value,
    path: &mut Vec<Step>,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    use serde_json::Value;
    if old == new {
        return Some(());
    }
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            // Keys keep the order the file gives them: a mapping's order means nothing to YAML or
            // Hugo, and the file's is the site team's.
            for key in old.keys().filter(|k| !new.contains_key(*k)) {
                edits.push(Edit::Remove(child(path, key)));
            }
            let mut previous: Option<&String> = None;
            for (key, value) in new {
                match old.get(key) {
                    Some(was) => {
                        path.push(Step::Key(key.clone()));
                        plan(was, value, path, edits)?;
                        path.pop();
                    }
                    None => edits.push(Edit::InsertAfter {
                        after: child(path, previous?),
                        key: key.clone(),
                        value: value.clone(),
                    }),
                }
                previous = Some(key);
            }
            Some(())
        }
        (Value::Array(old), Value::Array(new)) => plan_list(old, new, path, edits),
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => None,
        (_, scalar) => {
            edits.push(Edit::Replace(path.clone(), scalar.clone()));
            Some(())
        }
    }
}

/// The edits that make list `old` (at `path`) the list `new`. The items of the longest common
/// subsequence stay as they are; between two of them, old and new items are paired in order and
/// edited in place, and what is left over is removed or inserted. Edits go from the list's end
/// to its start, so that each one's item indices are still those of the text it is applied to.
pub(super) fn plan_list(
    old: &[serde_json::Value],
    new: &[serde_json::Value],
    path: &mut Vec<Step>,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    // lcs[i][j]: the longest common subsequence of old[i..] and new[j..].
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // The runs between kept items: (old range, new range), in list order.
    let mut gaps = Vec::new();
    let (mut i, mut j, mut gap) = (0, 0, (0, 0));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            gaps.push((gap.0..i, gap.1..j));
            i += 1;
            j += 1;
            gap = (i, j);
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            j += 1;
        } else {
            i += 1;
        }
    }
    gaps.push((gap.0..n, gap.1..m));
    for (olds, news) in gaps.into_iter().rev() {
        let paired = olds.len().min(news.len());
        // New items beyond the paired ones go after the last paired (or before what follows).
        for k in (paired..news.len()).rev() {
            let before = olds.start + paired;
            edits.push(Edit::InsertItem {
                list: path.clone(),
                before: (before < n).then_some(before),
                value: new[news.start + k].clone(),
            });
        }
        for k in (paired..olds.len()).rev() {
            let mut item = path.clone();
            item.push(Step::Index(olds.start + k));
            edits.push(Edit::Remove(item));
        }
        for k in (0..paired).rev() {
            path.push(Step::Index(olds.start + k));
            plan(&old[olds.start + k], &new[news.start + k], path, edits)?;
            path.pop();
        }
    }
    Some(())
}

pub(super) fn child(path: &[Step], key: &str) -> Vec<Step> {
    let mut child = path.to_vec();
    child.push(Step::Key(key.to_owned()));
    child
}

pub(super) fn apply(text: &str, edit: &Edit) -> Option<String> {
    match edit {
        Edit::Replace(path, value) => {
            let values = locate(text).ok()?;
            // A key given twice: readers take the last.
            let at = values.iter().rev().find(|v| v.path == *path)?;
            Some(put(text, at, in_style_of(at, value)))
        }
        Edit::Remove(path) => {
            let all = entries(text).ok()?;
            Some(remove(text, all.iter().find(|e| e.path == *path)?))
        }
        Edit::InsertAfter { after, key, value } => {
            let all = entries(text).ok()?;
            let entry = all.iter().find(|e| e.path == *after)?;
            Some(insert_after(text, entry, key, value))
        }
        Edit::InsertItem {
            list,
            before,
            value,
        } => {
            let all = entries(text).ok()?;
            let items: Vec<&Entry> = all
                .iter()
                .filter(|e| {
                    e.path.len() == list.len() + 1
                        && e.path.starts_with(list)
                        && matches!(e.path.last(), Some(Step::Index(_)))
                })
                .collect();
            match before {
                Some(at) => {
                    let item = items
                        .iter()
                        .find(|e| e.path.last() == Some(&Step::Index(*at)))?;
                    Some(insert_item(text, item, value, false))
                }
                // An empty list has no item to stand by: written afresh.
                None => Some(insert_item(text, items.last()?, value, true)),
            }
        }
    }
}
