//! Writing front matter as YAML that a YAML 1.1 reader and a YAML 1.2 reader read as the same
//! data: the stored strings, exactly.
//!
//! Hugo 0.111 reads front matter with go-yaml v2, which follows YAML 1.1: `yes`, `n`, `off`
//! are booleans, `0123` is 83, `1_000` is 1000, `~` is null. YAML libraries (ours included)
//! follow 1.2 and write such text unquoted. So strings are written here, not by the library:
//! plain only when the text is plainly nothing but a string to either version, quoted
//! otherwise. "Plainly" is decided conservatively, by what the text starts with and a short list
//! of words, not by re-implementing either version's resolver: a string that starts with a digit
//! is quoted even when no resolver would read it as a number. Quoting more than needed costs
//! nothing; quoting less turns an editor's text into `true` on the site.

use std::fmt::Write;

use serde_json::{Map, Value};

/// `top` as a block mapping, one `key: value` line per scalar, nested mappings indented by two.
pub fn mapping(top: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_mapping(top, 0, &mut out);
    out
}

/// One entry `key: value` at column `indent`, with the lines its value needs below it.
pub fn entry(key: &str, value: &Value, indent: usize) -> String {
    let mut out = String::new();
    let mut one = Map::new();
    one.insert(key.to_owned(), value.clone());
    write_mapping(&one, indent, &mut out);
    out
}

fn write_mapping(map: &Map<String, Value>, indent: usize, out: &mut String) {
    for (key, value) in map {
        push_indent(out, indent);
        push_scalar(out, key);
        out.push(':');
        write_value(value, indent, out);
    }
}

/// A value after its `key:` (or `-`): on the same line if it is a scalar or empty, else on the
/// lines below.
fn write_value(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_mapping(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                write_item(item, indent + 2, out);
            }
        }
        other => {
            out.push(' ');
            push_value(out, other);
            out.push('\n');
        }
    }
}

/// One item `- value` of a block sequence, its `-` at column `indent`, with the lines its value
/// needs below it.
pub fn item(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_item(value, indent, &mut out);
    out
}

fn write_item(item: &Value, indent: usize, out: &mut String) {
    push_indent(out, indent);
    out.push('-');
    match item {
        // `- key: value` with the mapping's other keys under the first.
        Value::Object(map) if !map.is_empty() => {
            let mut nested = String::new();
            write_mapping(map, indent + 2, &mut nested);
            out.push(' ');
            out.push_str(&nested[indent + 2..]);
        }
        other => write_value(other, indent, out),
    }
}

/// A value that fits on its key's line: a scalar, or an empty mapping or list.
fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => push_scalar(out, s),
    }
}

/// A scalar value (or an empty mapping or list) as YAML text that both versions read as it.
pub fn scalar_value(value: &Value) -> String {
    let mut out = String::new();
    push_value(&mut out, value);
    out
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// `text` as a YAML scalar that both versions read as exactly `text`.
pub fn scalar(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_scalar(&mut out, text);
    out
}

fn push_scalar(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if text.chars().all(|c| !needs_escape(c)) {
        // Single quotes: no escapes to read, only `'` doubled.
        out.push('\'');
        out.push_str(&text.replace('\'', "''"));
        out.push('\'');
    } else {
        push_double_quoted(out, text);
    }
}

/// Whether `text` may be written as a plain scalar: it cannot be read as anything but this
/// string by a YAML 1.1 or 1.2 reader, nor be cut short or changed by the syntax around it.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false; // empty is null
    };
    // Digits, signs and dots start every number, date and time in either version (`0123`,
    // `+1`, `.inf`, `1:20`, `2018-09-04`); `~` is null, `<<` a merge key, `=` a value key in
    // 1.1; the rest are YAML's indicators, which end or change a plain scalar.
    if first.is_ascii_digit() || "-+.~=<?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.trim() != text || text.ends_with(':') {
        return false;
    }
    // `: ` starts a value and ` #` a comment anywhere; any break, tab or character that has
    // to be escaped in YAML would be folded, stripped or refused in a plain scalar.
    if text.contains(": ") || text.contains(" #") {
        return false;
    }
    if text.chars().any(|c| c == '\t' || needs_escape(c)) {
        return false;
    }
    // The booleans and nulls of YAML 1.1 (`y`, `No`, `OFF`, …) and 1.2, compared in any case.
    const WORDS: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    !WORDS.iter().any(|word| word.eq_ignore_ascii_case(text))
}

/// Characters that only a double-quoted scalar can hold, escaped: line breaks (YAML 1.1 also
/// breaks lines at NEL, U+2028 and U+2029), control characters, the byte order mark and what
/// YAML does not count as printable.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        | '\u{fffe}' | '\u{ffff}'
    )
}

fn push_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_stays_plain_and_the_rest_is_quoted() {
        for plain in [
            "Gen3",
            "figs/kv.svg",
            "https://gen3.org/a?b#c",
            "Welcome to Gen3",
            "“Gen3’s” – é 数据",
            "a:b",
            "x#y",
        ] {
            assert_eq!(scalar(plain), plain);
        }
        for (text, written) in [
            ("yes", "'yes'"),
            ("n", "'n'"),
            ("OFF", "'OFF'"),
            ("0123", "'0123'"),
            ("1_000", "'1_000'"),
            ("~", "'~'"),
            ("", "''"),
            (" padded", "' padded'"),
            ("it's: here", "'it''s: here'"),
            ("two\nlines", "\"two\\nlines\""),
            ("tab\there", "\"tab\\there\""),
            ("nel\u{85}", "\"nel\\u0085\""),
            ("say \"hi\"\n", "\"say \\\"hi\\\"\\n\""),
        ] {
            assert_eq!(scalar(text), written, "{text:?}");
        }
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_data() {
        let data = serde_json::json!({
            "title": "yes",
            "nested": {"a": "0x1F", "empty": {}, "list": [], "null": null},
            "events": [{"Title": "- x", "Date": "2018-09-04"}, "plain", {}],
            "flag": true,
        });
        let text = mapping(data.as_object().unwrap());
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, data, "{text}");
    }
}
