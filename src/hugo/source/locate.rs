//! Where each value of the front matter stands: its path, its bytes, its line.

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
pub(super) enum Frame {
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
pub(super) struct Found {
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
pub(super) fn walk(yaml: &str) -> Result<Found, SourceError> {
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
pub(super) fn dash_before(yaml: &str, at: usize) -> Option<usize> {
    let dash = yaml[..at].trim_end().len().checked_sub(1)?;
    let first = line_start(yaml, dash);
    (yaml.as_bytes()[dash] == b'-' && yaml[first..dash].bytes().all(|b| b == b' ')).then_some(dash)
}

/// The step a value at this point takes, and the frame moved past it.
pub(super) fn take_step(frames: &mut [Frame]) -> Option<Step> {
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
pub(super) fn block_bytes(yaml: &str, start: usize, end: usize) -> Range<usize> {
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

pub(super) fn line_at(yaml: &str, at: usize) -> usize {
    yaml[..at].matches('\n').count() + 1
}

/// The byte where the line holding byte `at` starts.
pub(super) fn line_start(yaml: &str, at: usize) -> usize {
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

pub(super) fn char_offsets(yaml: &str) -> Vec<usize> {
    yaml.char_indices()
        .map(|(at, _)| at)
        .chain([yaml.len()])
        .collect()
}

/// The entry whose key starts at byte `start`, ended by whatever starts at byte `end` (the next
/// key, or the mapping's end). `None` when the key does not start its line (`- key: value`, the
/// first key of a list item): such an entry is not lines of its own.
pub(super) fn entry(yaml: &str, path: Vec<Step>, start: usize, end: usize) -> Option<Entry> {
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
