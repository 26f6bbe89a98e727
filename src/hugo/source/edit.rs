//! A value replaced, an entry removed, an entry or a list item added: each as a splice of the
//! text, leaving every other byte as it was.

use std::ops::Range;

use super::locate::*;

/// `yaml` with the bytes `range` replaced by `with`: every edit of this module is one of these.
pub(super) fn splice(yaml: &str, range: Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + with.len());
    out.push_str(&yaml[..range.start]);
    out.push_str(with);
    out.push_str(&yaml[range.end..]);
    out
}

/// `yaml` with the value at `at` (found by [`locate`] in this same text) replaced by `value`.
/// Every byte outside the value's own is kept as it was.
pub fn replace(yaml: &str, at: &Located, value: &str) -> String {
    put(yaml, at, crate::hugo::yaml::scalar(value))
}

/// `yaml` with the value at `at` replaced by the scalar text `written`.
pub(super) fn put(yaml: &str, at: &Located, mut written: String) -> String {
    // `key:` with nothing after it: the value needs its separating space.
    if at.bytes.is_empty() && yaml[..at.bytes.start].ends_with(':') {
        written.insert(0, ' ');
    }
    splice(yaml, at.bytes.clone(), &written)
}

/// `yaml` without the lines of `entry` (found by [`entries`] in this same text).
pub fn remove(yaml: &str, entry: &Entry) -> String {
    splice(yaml, entry.lines.clone(), "")
}

/// `yaml` with a new entry `key: value` in lines of its own right after `entry` (found by
/// [`entries`] in this same text), at the same indentation; every other line is kept.
pub fn insert_after(yaml: &str, entry: &Entry, key: &str, value: &serde_json::Value) -> String {
    let mut written = crate::hugo::yaml::entry(key, value, entry.indent);
    // The entry's last line ends the text without a break: the new lines start on their own.
    if !yaml[..entry.lines.end].ends_with('\n') {
        written.insert(0, '\n');
    }
    let at = entry.lines.end;
    splice(yaml, at..at, &written)
}

/// `yaml` with a new list item `- value` in lines of its own where `item` (found by [`entries`]
/// in this same text) starts, or right after it when `after`, at the same indentation.
pub fn insert_item(yaml: &str, item: &Entry, value: &serde_json::Value, after: bool) -> String {
    let mut written = crate::hugo::yaml::item(value, item.indent);
    let at = if after {
        item.lines.end
    } else {
        item.lines.start
    };
    if !yaml[..at].ends_with('\n') && at > 0 {
        written.insert(0, '\n');
    }
    splice(yaml, at..at, &written)
}
