//! For tests: YAML read as a YAML 1.1 reader (Hugo's go-yaml v2) reads it, to check that the
//! export means the same data to Hugo as to us.
//!
//! The syntax is parsed by saphyr-parser (a YAML 1.2 parser that reports each scalar's style);
//! what a *plain* scalar means is then decided by the rules below, which are YAML 1.1's, not
//! 1.2's. Quoted and block scalars are strings in both versions.
//!
//! Where the rules come from:
//! - the YAML 1.1 type repository, <https://yaml.org/type/>: `bool.html`, `null.html`,
//!   `int.html`, `float.html`, `timestamp.html`, `merge.html`, `value.html` (the regular
//!   expressions below are theirs);
//! - go-yaml v2's `resolve.go`, which Hugo 0.111 uses and which resolves more than the
//!   repository does: a plain scalar starting with a sign, a dot or a digit is a number when
//!   Go's `strconv.ParseInt(s, 0, 64)` or `ParseFloat` accepts it once `_` are removed (so `1e3`,
//!   `0o17` and `+inf` are numbers too). Rust's integer and float parsing stands in for Go's.

use std::sync::LazyLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

static BOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    )
    .unwrap()
});
static NULL: LazyLock<Regex> = LazyLock::new(|| Regex::new("^(?:~|null|Null|NULL|)$").unwrap());
static INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        "^(?:[-+]?0b[0-1_]+",
        "|[-+]?0[0-7_]+",
        "|[-+]?(?:0|[1-9][0-9_]*)",
        "|[-+]?0x[0-9a-fA-F_]+",
        "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
    ))
    .unwrap()
});
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
        r"|[-+]?\.(?:inf|Inf|INF)",
        r"|\.(?:nan|NaN|NAN))$"
    ))
    .unwrap()
});
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        "^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}",
        r"(?:\.[0-9]*)?(?:[ \t]*Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)$"
    ))
    .unwrap()
});

/// What a YAML 1.1 reader makes of a plain scalar. Anything but a string comes out as a
/// non-string value (a timestamp as `{"timestamp": text}`), so that it compares unequal to the
/// string it was meant to be.
pub fn resolve_plain(text: &str) -> Value {
    if BOOL.is_match(text) {
        let truthy = ["y", "yes", "true", "on"];
        return Value::Bool(truthy.iter().any(|t| t.eq_ignore_ascii_case(text)));
    }
    if NULL.is_match(text) {
        return Value::Null;
    }
    if text == "<<" || text == "=" {
        return serde_json::json!({ "special key": text });
    }
    if TIMESTAMP.is_match(text) {
        return serde_json::json!({ "timestamp": text });
    }
    let numeric_start = text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    if INT.is_match(text) || FLOAT.is_match(text) || (numeric_start && go_number(text)) {
        return serde_json::json!({ "number": text });
    }
    Value::String(text.to_owned())
}

/// Whether Go's `ParseInt(s, 0, 64)` or `ParseFloat(s, 64)` would accept `text` with its `_`
/// removed, as go-yaml v2 tries.
fn go_number(text: &str) -> bool {
    let plain = text.replace('_', "");
    let unsigned = plain.trim_start_matches(['+', '-']);
    let radix = |prefix: [&str; 2], radix| {
        prefix
            .iter()
            .find_map(|p| unsigned.strip_prefix(p))
            .is_some_and(|digits| u64::from_str_radix(digits, radix).is_ok())
    };
    radix(["0x", "0X"], 16)
        || radix(["0o", "0O"], 8)
        || radix(["0b", "0B"], 2)
        || plain.parse::<i64>().is_ok()
        || plain.parse::<f64>().is_ok()
}

/// The document in `text` as a YAML 1.1 reader reads it.
pub fn read(text: &str) -> Result<Value, String> {
    let mut events = Parser::new_from_str(text).map(|e| e.map(|(event, _)| event));
    let mut next = || -> Result<Event<'_>, String> {
        match events.next() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("the document ended early".to_owned()),
        }
    };
    loop {
        match next()? {
            Event::StreamStart | Event::DocumentStart(_) => continue,
            Event::StreamEnd => return Ok(Value::Null),
            first => return node(first, &mut next),
        }
    }
}

fn node<'i>(
    event: Event<'i>,
    next: &mut impl FnMut() -> Result<Event<'i>, String>,
) -> Result<Value, String> {
    Ok(match event {
        Event::Scalar(text, ScalarStyle::Plain, _, None) => resolve_plain(&text),
        Event::Scalar(text, _, _, None) => Value::String(text.into_owned()),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match next()? {
                    Event::SequenceEnd => break Value::Array(items),
                    event => items.push(node(event, next)?),
                }
            }
        }
        Event::MappingStart(..) => {
            let mut map = Map::new();
            loop {
                let key = match next()? {
                    Event::MappingEnd => break Value::Object(map),
                    event => node(event, next)?,
                };
                let Value::String(key) = key else {
                    return Err(format!("a key that is not a string to YAML 1.1: {key}"));
                };
                let value = node(next()?, next)?;
                map.insert(key, value);
            }
        }
        other => return Err(format!("not supported here: {other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_as_hugo_showed() {
        // What Hugo 0.111.3 made of each unquoted value (../shared/STYLE.md).
        for text in [
            "yes", "No", "ON", "off", "y", "Y", "n", "N", "true", "False",
        ] {
            assert!(resolve_plain(text).is_boolean(), "{text}");
        }
        for text in ["~", "null"] {
            assert!(resolve_plain(text).is_null(), "{text}");
        }
        for text in [
            "0123", "0o17", "0x1F", "0b101", "1_000", "1e3", "+1", ".inf", ".NaN",
        ] {
            assert!(resolve_plain(text).get("number").is_some(), "{text}");
        }
        assert!(resolve_plain("2018-09-04").get("timestamp").is_some());
        for text in ["Gen3", "1:20x", "yess", "figs/kv.svg", "Infinity"] {
            assert_eq!(resolve_plain(text), Value::from(text), "{text}");
        }
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let data = read("a: 'yes'\nb: \"0123\"\nc: yes\nd:\n  - ~\n").unwrap();
        assert_eq!(
            data,
            serde_json::json!({"a": "yes", "b": "0123", "c": true, "d": [null]})
        );
    }
}
