//! The leaf values of a section: bounded texts, links, figure paths and link targets.
//! Each is a newtype that can only hold a valid value, and documents its own rules in the schema.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use super::parse::{Errors, Parse, Pointer, string};

/// Declares a newtype over `String` with the given checks, serialised as the bare string, and a
/// schema that states the same rules.
macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, max = $max:expr, check = $check:expr, $description:expr $(, pattern = $pattern:expr)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The most characters it holds, unless a field says otherwise.
            pub const MAX: usize = $max;
            /// The rule beyond length and control characters.
            pub const CHECK: fn(&str) -> Result<(), &'static str> = $check;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Parse for $name {
            fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
                let s = string(value, at, errors)?;
                match text_problem(s, Self::MAX, false, errors.refuses_controls(), Self::CHECK) {
                    Some(detail) => {
                        errors.push(at, detail);
                        None
                    }
                    None => Some(Self(s.to_owned())),
                }
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                // Text, unless the type states a stricter pattern.
                let pattern = [TEXT_PATTERN $(, $pattern)?];
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .min_length(Some(1))
                    .max_length(Some($max))
                    .pattern(pattern.last().copied())
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

/// What is wrong with `s` as a text of at most `max` characters that `check` accepts, if
/// anything: the rule of every text type, and of the content model's text kinds.
pub fn text_problem(
    s: &str,
    max: usize,
    blank_ok: bool,
    refuse_controls: bool,
    check: fn(&str) -> Result<(), &'static str>,
) -> Option<String> {
    if !blank_ok && s.trim().is_empty() {
        Some("must not be blank".to_owned())
    } else if s.chars().count() > max {
        Some(format!("must be at most {max} characters"))
    } else if refuse_controls && s.chars().any(is_forbidden_control) {
        Some(CONTROL_RULE.to_owned())
    } else {
        check(s).err().map(str::to_owned)
    }
}

pub fn any_text(_: &str) -> Result<(), &'static str> {
    Ok(())
}

/// The C0 control characters other than tab and line feed, and DEL: never in text. Hugo would
/// render a NUL as U+FFFD and copy an ESC raw into the HTML; no editor means to type them.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\x00'..='\x08' | '\x0b'..='\x1f' | '\x7f')
}

pub const CONTROL_RULE: &str = "must not contain control characters other than tab and line feed";

text_type!(
    /// A heading, name, caption or attribution.
    Title, max = 200, check = any_text,
    "Plain text, stored and served raw (escaping is the renderer's job); not blank, at most 200 characters."
);
text_type!(
    /// A paragraph or quote.
    Detail, max = 2000, check = any_text,
    "Plain text, stored and served raw (escaping is the renderer's job); not blank, at most 2,000 characters."
);
text_type!(
    /// Where a button or logo leads.
    Link, max = 2048, check = check_link,
    "An http:// or https:// URL with a host, a site path starting with a single /, a #fragment, or mailto:, with no white space (encode it as %20). At most 2,048 characters.",
    pattern = LINK_PATTERN
);
text_type!(
    /// An image: a link, or a path relative to the site.
    Fig, max = 2048, check = check_fig,
    "An image: what a link may be, or a relative path such as figs/kv.svg whose segments do not start with a dot (so no ..) and contain no :, ?, # or backslash. At most 2,048 characters.",
    pattern = FIG_PATTERN
);
// The rules for links and figures are regular expressions, published as the schemas' `pattern`
// and used as they are by the checks below, so that the document and the server cannot disagree
// (schemathesis generates requests from the patterns and expects the server to agree). They are
// written in the subset that ECMA-262 (JSON Schema), Python and the regex crate read alike:
// explicit character classes, `\xNN` and `\uNNNN` escapes, no `\s`, no look-around.

/// Rust's `char::is_whitespace` (Unicode White_Space), exactly: what `trim` removes.
macro_rules! white_space {
    () => {
        r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    };
}
/// White space, control characters and the byte order mark: never inside a link.
macro_rules! no_link_char {
    () => {
        r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
    };
}
/// An IPv6 address as a URL's host writes it between brackets (RFC 4291's forms, the compressed
/// `::` ones included; an embedded IPv4 tail is not accepted): what browsers and other URL
/// parsers take, so that `http://[0]` is not a link.
macro_rules! ipv6 {
    () => {
        concat!(
            r"(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}",
            r"|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}",
            r"|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}",
            r"|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:))",
        )
    };
}
/// A link without its anchors: http(s) with a host, a site path, a fragment or mailto.
macro_rules! link_body {
    () => {
        concat!(
            r"[Hh][Tt][Tt][Pp][Ss]?://(?:[^/?#@",
            no_link_char!(),
            r"]*@)?",
            r"(?:\[",
            ipv6!(),
            r"\]|[^/?#@\[\]:",
            no_link_char!(),
            r"]+)(?::[0-9]*)?",
            r"(?:[/?#][^",
            no_link_char!(),
            r"]*)?",
            r"|/(?:[^/\\",
            no_link_char!(),
            r"][^",
            no_link_char!(),
            r"]*)?",
            r"|#[^",
            no_link_char!(),
            r"]*",
            r"|[Mm][Aa][Ii][Ll][Tt][Oo]:[^",
            no_link_char!(),
            r"]+",
        )
    };
}
/// One segment of a relative figure path: not starting with a dot (so never `..`), no `/`,
/// `\`, `:`, `?`, `#` or control character, and no white space at either end.
macro_rules! path_segment {
    () => {
        concat!(
            r"[^./\\:?#\x00-\x1f\x7f-\x9f",
            white_space!(),
            r"]",
            r"(?:[^/\\:?#\x00-\x1f\x7f-\x9f]*[^/\\:?#\x00-\x1f\x7f-\x9f",
            white_space!(),
            r"])?"
        )
    };
}

/// The control characters text may not hold (see [`is_forbidden_control`]).
macro_rules! forbidden_control {
    () => {
        r"\x00-\x08\x0b-\x1f\x7f"
    };
}
/// Matches any text that is not blank (has a character `trim` would keep).
#[cfg(test)]
const NOT_BLANK: &str = concat!("[^", white_space!(), "]");
/// Text: no forbidden control character, and not blank. One character class for the
/// non-blank one, since the shared regex subset has no look-ahead.
pub const TEXT_PATTERN: &str = concat!(
    "^[^",
    forbidden_control!(),
    "]*[^",
    white_space!(),
    forbidden_control!(),
    "][^",
    forbidden_control!(),
    "]*$"
);
/// The most characters free text (the content model's `text` kind) holds, unless a field says
/// otherwise.
pub const FREE_TEXT_MAX: usize = 100_000;

/// Any text, blank included: no forbidden control character.
pub const ANY_TEXT_PATTERN: &str = concat!("^[^", forbidden_control!(), "]*$");
pub const LINK_PATTERN: &str = concat!("^(?:", link_body!(), ")$");
pub const FIG_PATTERN: &str = concat!(
    "^(?:",
    link_body!(),
    "|",
    path_segment!(),
    "(?:/",
    path_segment!(),
    ")*)$"
);
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(LINK_PATTERN).expect("valid pattern"));
static FIG: LazyLock<Regex> = LazyLock::new(|| Regex::new(FIG_PATTERN).expect("valid pattern"));

const LINK_RULE: &str =
    "must be an http(s) URL, a site path starting with /, a #fragment or mailto:";
const FIG_RULE: &str =
    "must be an http(s) URL, a site path starting with /, or a relative path without ..";

pub fn check_link(s: &str) -> Result<(), &'static str> {
    explain(s, &LINK, LINK_RULE)
}

pub fn check_fig(s: &str) -> Result<(), &'static str> {
    explain(s, &FIG, FIG_RULE)
}

/// Whether `pattern` matches; if not, the likeliest reason, in words.
fn explain(s: &str, pattern: &Regex, rule: &'static str) -> Result<(), &'static str> {
    if pattern.is_match(s) {
        Ok(())
    } else if s.trim() != s || s.chars().any(char::is_control) {
        Err("must not contain control characters or surrounding white space")
    } else {
        Err(rule)
    }
}

/// `^[a-z]+[0-9]+$`: how items are named (`f1`, `c24`), in the API and in the front matter.
pub fn is_item_key(s: &str) -> bool {
    let digits = s.trim_start_matches(|c: char| c.is_ascii_lowercase());
    digits.len() < s.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Where a link opens, as HTML's `target` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Target {
    #[serde(rename = "_blank")]
    Blank,
    #[serde(rename = "_self")]
    SelfFrame,
    #[serde(rename = "_parent")]
    Parent,
    #[serde(rename = "_top")]
    Top,
}

impl Target {
    const ALL: [(&'static str, Target); 4] = [
        ("_blank", Target::Blank),
        ("_self", Target::SelfFrame),
        ("_parent", Target::Parent),
        ("_top", Target::Top),
    ];
}

impl Parse for Target {
    fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
        let s = string(value, at, errors)?;
        let found = Self::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, t)| *t);
        if found.is_none() {
            errors.push(at, "must be one of _blank, _self, _parent, _top");
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse<T: Parse>(value: Value) -> Result<T, Vec<String>> {
        let mut errors = Errors::default();
        T::parse(&value, &Pointer::root().child("x"), &mut errors)
            .ok_or_else(|| errors.into_vec().into_iter().map(|e| e.detail).collect())
    }

    #[test]
    fn links_accept_what_the_contract_names() {
        for ok in [
            "https://gen3.datacommons.io",
            "HTTP://Example.org/a?b#c",
            "https://user@host:8080/x",
            "http://[::1]:8080/x",
            "https://[2001:db8::8a2e:370:7334]/",
            "http://[1:2:3:4:5:6:7:8]",
            "/get-started",
            "#top",
            "mailto:support@gen3.org",
        ] {
            assert!(parse::<Link>(json!(ok)).is_ok(), "{ok} should be a link");
        }
    }

    #[test]
    fn links_reject_scripts_data_protocol_relative_and_blank() {
        for bad in [
            "https://gen3.org/a b",
            "https://[::1/x",
            "http://[0]",
            "http://[1:2]/x",
            "http://[:::]/",
            "/\u{feff}",
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil.example",
            "/\\evil.example",
            "https://",
            "https:///path",
            "ftp://host",
            "figs/kv.svg",
            " /padded",
            "/line\nbreak",
            "mailto:",
        ] {
            assert!(
                parse::<Link>(json!(bad)).is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert_eq!(
            parse::<Link>(json!("  ")),
            Err(vec!["must not be blank".to_owned()])
        );
    }

    #[test]
    fn figs_also_accept_relative_paths_without_dot_dot() {
        assert!(parse::<Fig>(json!("figs/kv.svg")).is_ok());
        assert!(parse::<Fig>(json!("https://cdn.example/x.png")).is_ok());
        assert!(parse::<Fig>(json!("figs/UChicago_CTDS_Horizontal_Color RGB.png")).is_ok());
        assert!(parse::<Fig>(json!("/figs/commons/anvil.png")).is_ok());
        for bad in [
            "../secret.png",
            "./x.png",
            "figs/x.png ",
            "figs/a?b",
            "figs/../../x",
            "javascript:x",
            "C:\\x",
            "//cdn/x.png",
        ] {
            assert!(
                parse::<Fig>(json!(bad)).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(parse::<Title>(json!("é".repeat(200))).is_ok());
        assert_eq!(
            parse::<Title>(json!("x".repeat(201))),
            Err(vec!["must be at most 200 characters".to_owned()])
        );
        assert!(parse::<Detail>(json!("x".repeat(2000))).is_ok());
    }

    #[test]
    fn wrong_types_say_what_they_got() {
        assert_eq!(
            parse::<Title>(json!(7)),
            Err(vec!["must be a string, not a number".to_owned()])
        );
        assert_eq!(
            parse::<Target>(json!("_new")),
            Err(vec![
                "must be one of _blank, _self, _parent, _top".to_owned()
            ])
        );
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn the_text_pattern_accepts_exactly_what_the_text_check_accepts() {
        let pattern = Regex::new(TEXT_PATTERN).unwrap();
        let check = |text: &str| {
            let mut errors = Errors::default();
            Detail::parse(&Value::from(text), &Pointer::root(), &mut errors).is_some()
        };
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}"), format!("{c}b{c}")] {
                assert_eq!(pattern.is_match(&text), check(&text), "{text:?}");
            }
        }
        assert!(check("two\tcolumns\nand lines"));
        for bad in ["a\u{0}b", "esc\u{1b}[31m", "cr\r\n", "del\u{7f}", "\u{b}"] {
            assert!(!check(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_blank_rule_is_exactly_what_trim_removes() {
        let blank = Regex::new(NOT_BLANK).unwrap();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = c.to_string();
            assert_eq!(
                blank.is_match(&text),
                !text.trim().is_empty(),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
