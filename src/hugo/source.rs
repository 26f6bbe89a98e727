//! The front matter as the site team wrote it: every value with the bytes it occupies in the
//! file, so that an edit rewrites those bytes and nothing else.
//!
//! A YAML library that reads into values and writes them out again loses what the site's files
//! hold besides the values: comments, key order as written, quoting, blank lines, line widths.
//! The lossless export keeps the imported text and edits it in place: [`locate`] finds where
//! each scalar stands (saphyr-parser reports a span per event), [`replace`] puts a new value there,
//! written by [`yaml::scalar`](super::yaml::scalar), the rule that makes YAML 1.1 (Hugo) and 1.2
//! readers read exactly the stored string.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// One step of a scalar's path from the top of the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A value of the front matter where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: Vec<Step>,
    /// The value as a YAML reader gets it (before any resolution of plain scalars to types).
    pub value: String,
    pub style: ScalarStyle,
    /// The bytes of the text that hold the value: quotes included, and for a block scalar its
    /// indicator (`|`, `>-`) through its last line; empty where a key has no value at all.
    pub bytes: Range<usize>,
    /// Its first line, 1-based.
    pub line: usize,
}

/// Why front matter could not be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SourceError {
    pub line: usize,
    pub message: String,
}

/// Where a container is in its reading: what the next scalar or container is.
enum Frame {
    Mapping {
        key: Option<String>,
        /// Block style: its entries are lines of their own (a flow mapping's share a line).
        block: bool,
        /// The entry being read: its path and the byte where its key starts.
        entry: Option<(Vec<Step>, usize)>,
    },
    Sequence {
        next: usize,
        /// Block style: its items are lines of their own (`- …`).
        block: bool,
        /// The item being read: its path and the byte of its `-`.
        item: Option<(Vec<Step>, usize)>,
    },
}

/// What the walk over the text finds: values, and block mappings' entries.
struct Found {
    values: Vec<Located>,
    entries: Vec<Entry>,
}

/// Every scalar value of `yaml` (mapping keys are steps of paths, not values), in text order.
pub fn locate(yaml: &str) -> Result<Vec<Located>, SourceError> {
    Ok(walk(yaml)?.values)
}

/// Every entry of every block mapping of `yaml`, in text order.
pub fn entries(yaml: &str) -> Result<Vec<Entry>, SourceError> {
    let mut entries = walk(yaml)?.entries;
    entries.sort_by_key(|e| e.lines.start);
    Ok(entries)
}

/// One pass over the parser's events, keeping the path to where it is.
fn walk(yaml: &str) -> Result<Found, SourceError> {
    // saphyr counts characters; edits need byte offsets.
    let offsets = char_offsets(yaml);
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Step> = Vec::new();
    let mut found = Found {
        values: Vec::new(),
        entries: Vec::new(),
    };
    let close = |open: Option<(Vec<Step>, usize)>, end: usize, found: &mut Found| {
        if let Some(entry) = open.and_then(|(path, start)| entry(yaml, path, start, end)) {
            found.entries.push(entry);
        }
    };
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|e| SourceError {
            line: e.marker().line(),
            message: e.info().to_owned(),
        })?;
        let at = offsets[span.start.index()];
        // A value in a block sequence starts an item: the lines from its `-`.
        if matches!(
            event,
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..)
        ) && let Some(Frame::Sequence {
            next,
            block: true,
            item,
        }) = frames.last_mut()
        {
            close(item.take(), dash_before(yaml, at).unwrap_or(at), &mut found);
            let mut item_path = path.clone();
            item_path.push(Step::Index(*next));
            *item = dash_before(yaml, at).map(|dash| (item_path, dash));
        }
        match event {
            Event::Scalar(value, style, ..) => match frames.last_mut() {
                // A key: the next step, and (in block style) the start of an entry.
                Some(Frame::Mapping {
                    key: key @ None,
                    block,
                    entry,
                }) => {
                    if *block {
                        close(entry.take(), at, &mut found);
                        let mut entry_path = path.clone();
                        entry_path.push(Step::Key(value.to_string()));
                        *entry = Some((entry_path, at));
                    }
                    *key = Some(value.into_owned());
                }
                _ => {
                    let step = take_step(&mut frames);
                    let end = offsets[span.end.index()];
                    let bytes = match style {
                        ScalarStyle::Literal | ScalarStyle::Folded => block_bytes(yaml, at, end),
                        // `key:` with no value: saphyr places the empty value before the colon.
                        _ if at == end && yaml[at..].starts_with(':') => at + 1..at + 1,
                        _ => at..end,
                    };
                    found.values.push(Located {
                        path: path.iter().cloned().chain(step).collect(),
                        value: value.into_owned(),
                        style,
                        line: line_at(yaml, bytes.start),
                        bytes,
                    });
                }
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(step) = take_step(&mut frames) {
                    path.push(step);
                }
                frames.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Mapping {
                        key: None,
                        block: !yaml[at..].starts_with('{'),
                        entry: None,
                    }
                } else {
                    Frame::Sequence {
                        next: 0,
                        block: !yaml[at..].starts_with('['),
                        item: None,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                match frames.pop() {
                    Some(Frame::Mapping { entry, .. }) => close(entry, at, &mut found),
                    Some(Frame::Sequence { item, .. }) => close(item, at, &mut found),
                    None => {}
                }
                if !frames.is_empty() {
                    path.pop();
                }
            }
            Event::Alias(_) => {
                return Err(SourceError {
                    line: span.start.line(),
                    message: "aliases (*name) are not supported in front matter".to_owned(),
                });
            }
            _ => {}
        }
    }
    Ok(found)
}

/// The `-` of the block sequence item whose value starts at byte `at`: the last non-blank
/// character before it, if that is a `-` with only spaces before it on its line.
fn dash_before(yaml: &str, at: usize) -> Option<usize> {
    let dash = yaml[..at].trim_end().len().checked_sub(1)?;
    let first = line_start(yaml, dash);
    (yaml.as_bytes()[dash] == b'-' && yaml[first..dash].bytes().all(|b| b == b' ')).then_some(dash)
}

/// The step a value at this point takes, and the frame moved past it.
fn take_step(frames: &mut [Frame]) -> Option<Step> {
    match frames.last_mut()? {
        Frame::Mapping { key, .. } => key.take().map(Step::Key),
        Frame::Sequence { next, .. } => {
            *next += 1;
            Some(Step::Index(*next - 1))
        }
    }
}

/// A block scalar's bytes: saphyr's span starts at the content, after the indicator line, and
/// ends after the content's last line break. The value's bytes run from the indicator to the end
/// of its last line (the break stays, as it ends the line).
fn block_bytes(yaml: &str, start: usize, end: usize) -> Range<usize> {
    // The indicator is the last `|` or `>` on the last line before the content that is not
    // blank (the span starts at the content's first character, after its indentation).
    let head = &yaml[..start];
    let indicator_line = line_start(head, head.trim_end().len());
    let indicator = head[indicator_line..]
        .rfind(['|', '>'])
        .map_or(start, |at| indicator_line + at);
    let content = yaml[indicator..end].trim_end_matches(['\n', '\r']);
    indicator..indicator + content.len()
}

fn line_at(yaml: &str, at: usize) -> usize {
    yaml[..at].matches('\n').count() + 1
}

/// The byte where the line holding byte `at` starts.
fn line_start(yaml: &str, at: usize) -> usize {
    yaml[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// The line (1-based) of `yaml` that holds the value at `path` (keys, and list indices as
/// digits), or else of the nearest thing around it that is there: a missing field is reported at
/// its mapping's key (a missing top-level key has none).
pub fn line_of(yaml: &str, path: &[String]) -> Option<usize> {
    let values = locate(yaml).ok()?;
    let entries = entries(yaml).ok()?;
    let matches = |steps: &[Step], tokens: &[String]| {
        steps.len() >= tokens.len()
            && tokens.iter().zip(steps).all(|(token, step)| match step {
                Step::Key(key) => key == token,
                Step::Index(i) => i.to_string() == *token,
            })
    };
    let mut tokens = path.to_vec();
    loop {
        let entry = entries
            .iter()
            .find(|e| e.path.len() == tokens.len() && matches(&e.path, &tokens));
        if let Some(entry) = entry {
            return Some(line_at(yaml, entry.lines.start));
        }
        if let Some(value) = values.iter().find(|v| matches(&v.path, &tokens)) {
            return Some(value.line);
        }
        // A top-level key that is not there has no line.
        if tokens.len() <= 1 {
            return None;
        }
        tokens.pop();
    }
}

/// `yaml` with the bytes `range` replaced by `with`: every edit of this module is one of these.
fn splice(yaml: &str, range: Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + with.len());
    out.push_str(&yaml[..range.start]);
    out.push_str(with);
    out.push_str(&yaml[range.end..]);
    out
}

/// `yaml` with the value at `at` (found by [`locate`] in this same text) replaced by `value`.
/// Every byte outside the value's own is kept as it was.
pub fn replace(yaml: &str, at: &Located, value: &str) -> String {
    put(yaml, at, super::yaml::scalar(value))
}

/// `yaml` with the value at `at` replaced by the scalar text `written`.
fn put(yaml: &str, at: &Located, mut written: String) -> String {
    // `key:` with nothing after it: the value needs its separating space.
    if at.bytes.is_empty() && yaml[..at.bytes.start].ends_with(':') {
        written.insert(0, ' ');
    }
    splice(yaml, at.bytes.clone(), &written)
}

/// A block mapping's entry (a key and its value) or a block sequence's item (`- value`) where
/// it stands in the text: the unit that is added or removed when an item of a numbered map
/// (`f1`, `f2`, …) or of a list (an event) comes or goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path to the entry's value: the parent's path and the entry's key (or the item's
    /// index).
    pub path: Vec<Step>,
    /// From the start of the key's line to the end of the entry's last line, its line break
    /// included. Blank lines and comments less indented than the value after it belong to what
    /// follows.
    pub lines: Range<usize>,
    /// The key's (or the `-`'s) column.
    pub indent: usize,
}

fn char_offsets(yaml: &str) -> Vec<usize> {
    yaml.char_indices()
        .map(|(at, _)| at)
        .chain([yaml.len()])
        .collect()
}

/// The entry whose key starts at byte `start`, ended by whatever starts at byte `end` (the next
/// key, or the mapping's end). `None` when the key does not start its line (`- key: value`, the
/// first key of a list item): such an entry is not lines of its own.
fn entry(yaml: &str, path: Vec<Step>, start: usize, end: usize) -> Option<Entry> {
    let line_start = |at: usize| line_start(yaml, at);
    let first = line_start(start);
    let indent = start - first;
    if !yaml[first..start].bytes().all(|b| b == b' ') {
        return None;
    }
    // `end` is where the next token starts: at the start of its line (after its indentation),
    // or, at the end of the text, after the last line.
    let mut last = if yaml[line_start(end)..end].trim().is_empty() {
        line_start(end)
    } else {
        yaml[end..].find('\n').map_or(yaml.len(), |n| end + n + 1)
    };
    // Hand back blank lines, and comments no deeper than the key, to what follows.
    while last > first {
        let previous = line_start(last - 1);
        let line = &yaml[previous..last];
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        if trimmed.trim().is_empty() || (trimmed.starts_with('#') && depth <= indent) {
            last = previous;
        } else {
            break;
        }
    }
    Some(Entry {
        path,
        lines: first..last.max(first),
        indent,
    })
}

/// `yaml` without the lines of `entry` (found by [`entries`] in this same text).
pub fn remove(yaml: &str, entry: &Entry) -> String {
    splice(yaml, entry.lines.clone(), "")
}

/// `yaml` with a new entry `key: value` in lines of its own right after `entry` (found by
/// [`entries`] in this same text), at the same indentation; every other line is kept.
pub fn insert_after(yaml: &str, entry: &Entry, key: &str, value: &serde_json::Value) -> String {
    let mut written = super::yaml::entry(key, value, entry.indent);
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
    let mut written = super::yaml::item(value, item.indent);
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
fn in_style_of(at: &Located, value: &serde_json::Value) -> String {
    match (at.style, value) {
        (ScalarStyle::SingleQuoted, serde_json::Value::String(s))
            if !s.contains(['\n', '\r']) && !s.chars().any(char::is_control) =>
        {
            format!("'{}'", s.replace('\'', "''"))
        }
        (ScalarStyle::DoubleQuoted, serde_json::Value::String(s)) if !s.contains('\n') => {
            serde_json::to_string(s).expect("a string serialises")
        }
        _ => super::yaml::scalar_value(value),
    }
}

/// One change to the text, by path: applied to the text as it is after the ones before.
enum Edit {
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

fn plan(
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
fn plan_list(
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

fn child(path: &[Step], key: &str) -> Vec<Step> {
    let mut child = path.to_vec();
    child.push(Step::Key(key.to_owned()));
    child
}

fn apply(text: &str, edit: &Edit) -> Option<String> {
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

#[cfg(test)]
mod tests {
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
