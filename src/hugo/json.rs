//! JSON front matter (a JSON object that starts the file), as Hugo reads it: into the same data
//! as YAML front matter, and back by editing the site team's text in place through
//! jsonc-parser's concrete syntax tree, which keeps indentation, key order, spacing and
//! escapes of every member that is not edited.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject, CstRootNode};
use serde_json::{Map, Value};

use super::HugoError;

/// Where the JSON object that opens `text` ends, as Hugo finds it: braces counted outside
/// strings, a backslash escaping the next character. `None` if it never closes.
pub fn object_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The front matter's text (the object) as data.
pub fn parse(front: &str) -> Result<Value, HugoError> {
    serde_json::from_str(front).map_err(|e| HugoError::Syntax {
        format: super::Format::Json,
        line: e.line(),
        message: e.to_string(),
    })
}

/// The front matter written afresh: the object, two spaces an indent, one member a line.
pub fn write(front_matter: &Value) -> String {
    serde_json::to_string_pretty(front_matter).expect("JSON values always serialise")
}

fn input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
    }
}

/// `front` (the object) edited so that it holds exactly the data `new`, changing only what
/// differs: a changed member's value in place, removed members and items taken out, new
/// members after the member that precedes them in `new`. `None` when the result would not read
/// back as `new` (the caller then writes the object afresh).
pub fn rewrite(front: &str, new: &Value) -> Option<String> {
    let root = CstRootNode::parse(front, &ParseOptions::default()).ok()?;
    sync_object(&root.object_value()?, new.as_object()?)?;
    let text = root.to_string();
    let back = parse(&text).ok()?;
    (back == *new).then_some(text)
}

fn sync_object(object: &CstObject, new: &Map<String, Value>) -> Option<()> {
    for prop in object.properties() {
        if !new.contains_key(&prop.decoded_name()?) {
            prop.remove();
        }
    }
    let mut previous: Option<usize> = None;
    for (key, value) in new {
        match object.get(key) {
            Some(prop) => {
                let old = prop.value()?;
                if old.to_serde_value().as_ref() != Some(value) {
                    match (old.as_object(), value, old.as_array()) {
                        (Some(inner), Value::Object(map), _) => sync_object(&inner, map)?,
                        (_, Value::Array(items), Some(array)) => sync_array(&array, items)?,
                        _ => prop.set_value(input(value)),
                    }
                }
                previous = Some(prop.property_index());
            }
            None => {
                let at = previous.map_or(0, |p| p + 1);
                object.insert(at, key, input(value));
                previous = Some(at);
            }
        }
    }
    Some(())
}

fn sync_array(array: &jsonc_parser::cst::CstArray, new: &[Value]) -> Option<()> {
    let elements = array.elements();
    for extra in elements.iter().skip(new.len()).rev() {
        extra.clone().remove();
    }
    for (at, value) in new.iter().enumerate() {
        match elements.get(at) {
            Some(old) if old.to_serde_value().as_ref() == Some(value) => {}
            Some(old) => match (old.as_object(), value) {
                (Some(inner), Value::Object(map)) => sync_object(&inner, map)?,
                _ => {
                    CstNode::remove(old.clone());
                    array.insert(at, input(value));
                }
            },
            None => {
                array.append(input(value));
            }
        }
    }
    Some(())
}

/// The line (1-based, in `front`) of the member at `path` (keys, and array indices as digits),
/// or of the nearest thing around it that is there.
pub fn line_of(front: &str, path: &[String]) -> Option<usize> {
    use jsonc_parser::ast::Value as Ast;
    use jsonc_parser::common::Ranged;
    let parsed =
        jsonc_parser::parse_to_ast(front, &Default::default(), &ParseOptions::default()).ok()?;
    let line = |at: usize| front[..at.min(front.len())].matches('\n').count() + 1;
    let mut value = parsed.value?;
    let mut found = None;
    for token in path {
        let next = match &value {
            Ast::Object(object) => object
                .properties
                .iter()
                .rev()
                .find(|p| p.name.as_str() == token)
                .map(|p| (p.range.start, p.value.clone())),
            Ast::Array(array) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| array.elements.get(i))
                .map(|v| (v.start(), v.clone())),
            _ => None,
        };
        let Some((at, next)) = next else { break };
        found = Some(line(at));
        value = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FRONT: &str = "{\n    \"title\": \"Gen3 Forum\",\n    \"date\": \"2019-03-01\",\n    \"g3Teaser\": {\n        \"title\": \"Welcome\",\n        \"detail\": \"A \\\"quoted\\\" text\"\n    },\n    \"g3Upcoming\": [\n        {\"Title\": \"One\"},\n        {\"Title\": \"Two\"}\n    ]\n}";

    #[test]
    fn the_object_ends_where_hugo_ends_it() {
        let text = format!("{FRONT}\nThe body {{with braces}}.\n");
        assert_eq!(object_end(&text), Some(FRONT.len()));
        assert_eq!(object_end("{\"a\": \"}\"}x"), Some(10));
        assert_eq!(object_end("{\"a\": 1"), None);
    }

    #[test]
    fn an_unchanged_object_is_kept_byte_for_byte_and_an_edit_changes_its_line() {
        let mut data = parse(FRONT).unwrap();
        assert_eq!(rewrite(FRONT, &data).unwrap(), FRONT);
        data["g3Teaser"]["title"] = json!("Welcome home");
        let edited = rewrite(FRONT, &data).unwrap();
        assert_eq!(edited, FRONT.replace("\"Welcome\"", "\"Welcome home\""));
    }

    #[test]
    fn members_and_items_come_and_go() {
        let mut data = parse(FRONT).unwrap();
        data["g3Upcoming"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Title": "Three"}));
        data.as_object_mut().unwrap().remove("date");
        let edited = rewrite(FRONT, &data).unwrap();
        assert_eq!(parse(&edited).unwrap(), data);
        assert!(!edited.contains("2019-03-01"), "{edited}");
        assert!(
            edited.contains("\"g3Teaser\": {\n        \"title\": \"Welcome\""),
            "{edited}"
        );
    }

    #[test]
    fn findings_point_at_the_line_of_their_member() {
        assert_eq!(line_of(FRONT, &["date".into()]), Some(3));
        assert_eq!(
            line_of(FRONT, &["g3Upcoming".into(), "1".into(), "Title".into()]),
            Some(10)
        );
        assert_eq!(
            line_of(FRONT, &["g3Teaser".into(), "nothing".into()]),
            Some(4)
        );
    }

    proptest::proptest! {
        /// Any text, edited into a value: the result reads back as the data, and no other line
        /// of the file changes.
        #[test]
        fn any_text_is_edited_into_its_own_place(text in "\\PC{0,40}|[ -~]{0,40}|.{0,3}[\\\\\"'#=\\{\\}\\[\\]]{1,3}.{0,3}") {
            let mut data = parse(FRONT).unwrap();
            data["g3Teaser"]["title"] = json!(text);
            let edited = rewrite(FRONT, &data).expect("edited in place");
            proptest::prop_assert_eq!(parse(&edited).unwrap(), data);
            let differ = FRONT.lines().zip(edited.lines()).filter(|(a, b)| a != b).count();
            proptest::prop_assert!(differ <= 1, "{}", edited);
            proptest::prop_assert_eq!(FRONT.lines().count(), edited.lines().count());
        }
    }
}
