//! TOML front matter (between `+++` lines), as Hugo reads it: into the same data as YAML front
//! matter, and back by editing the site team's text in place with toml_edit, which keeps
//! comments, key order, quoting, whitespace and the form of every table (`[a]`, `a = {…}`,
//! `[[a]]`) that is not edited.
//!
//! TOML has no null: a `null` (an optional field cleared) is written as the key left out, which
//! Hugo reads the same way. Dates and times are TOML's own values; they are read as the text of
//! the date (the model keeps `date` as written), and a changed one is written back as a date
//! when it still is one.

use serde_json::{Map, Number, Value};
use toml_edit::{
    Array, ArrayOfTables, DocumentMut, Formatted, InlineTable, Item, Table, TableLike,
    Value as Toml,
};

use super::HugoError;

/// The front matter's text (between the `+++` lines) as data.
pub fn parse(front: &str) -> Result<Value, HugoError> {
    let doc: DocumentMut = front.parse().map_err(|e: toml_edit::TomlError| {
        let at = e.span().map_or(0, |s| s.start);
        HugoError::Syntax {
            format: super::Format::Toml,
            // +1 for the opening `+++` line.
            line: front[..at.min(front.len())].matches('\n').count() + 2,
            message: e.message().trim().to_owned(),
        }
    })?;
    table_data(doc.as_table()).map_err(|message| HugoError::Syntax {
        format: super::Format::Toml,
        line: 1,
        message,
    })
}

fn table_data(table: &dyn TableLike) -> Result<Value, String> {
    let mut map = Map::new();
    for (key, item) in table.iter() {
        map.insert(key.to_owned(), item_data(item)?);
    }
    Ok(Value::Object(map))
}

fn item_data(item: &Item) -> Result<Value, String> {
    match item {
        Item::None => Ok(Value::Null),
        Item::Value(value) => value_data(value),
        Item::Table(table) => table_data(table),
        Item::ArrayOfTables(tables) => tables.iter().map(|t| table_data(t)).collect(),
    }
}

fn value_data(value: &Toml) -> Result<Value, String> {
    Ok(match value {
        Toml::String(s) => Value::String(s.value().clone()),
        Toml::Integer(i) => Value::from(*i.value()),
        Toml::Float(f) => Number::from_f64(*f.value())
            .map(Value::Number)
            .ok_or_else(|| format!("{} (inf or nan) has no place in this content", f.value()))?,
        Toml::Boolean(b) => Value::Bool(*b.value()),
        Toml::Datetime(d) => Value::String(d.value().to_string()),
        Toml::Array(array) => array.iter().map(value_data).collect::<Result<_, _>>()?,
        Toml::InlineTable(table) => table_data(table)?,
    })
}

/// The front matter written afresh (without its `+++` lines): scalars and lists of scalars as
/// `key = value`, objects as tables (`[key]`), lists of objects as arrays of tables (`[[key]]`),
/// in the order of the data.
pub fn write(front_matter: &Value) -> String {
    let mut doc = DocumentMut::new();
    if let Value::Object(map) = front_matter {
        fill(doc.as_table_mut(), map);
    }
    doc.to_string()
}

fn fill(table: &mut Table, map: &Map<String, Value>) {
    for (key, value) in map {
        if let Some(item) = fresh_item(value) {
            table.insert(key, item);
        }
    }
}

/// A new item for `value`: a table where TOML allows one, a value otherwise; `None` for null.
fn fresh_item(value: &Value) -> Option<Item> {
    match value {
        Value::Null => None,
        Value::Object(map) => {
            let mut table = Table::new();
            fill(&mut table, map);
            Some(Item::Table(table))
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut tables = ArrayOfTables::new();
            for item in items {
                let mut table = Table::new();
                if let Value::Object(map) = item {
                    fill(&mut table, map);
                }
                tables.push(table);
            }
            Some(Item::ArrayOfTables(tables))
        }
        other => fresh_value(other, None).map(Item::Value),
    }
}

/// A new value for `value` (objects as inline tables); `None` for null. A string is written
/// as a date where the value it replaces (`was`) is one and it still reads as one, and in a
/// literal string (`'…'`) where the one it replaces was.
fn fresh_value(value: &Value, was: Option<&Toml>) -> Option<Toml> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => Toml::from(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Toml::from(i),
            (None, Some(f)) => Toml::from(f),
            _ => return None,
        },
        Value::String(s) => {
            if let Some(Toml::Datetime(_)) = was
                && let Ok(date) = s.parse::<toml_edit::Datetime>()
                && date.to_string() == *s
            {
                return Some(Toml::Datetime(Formatted::new(date)));
            }
            let literal = was.is_some_and(|w| {
                matches!(w, Toml::String(f) if f.as_repr().and_then(|r| r.as_raw().as_str()).is_some_and(|r| r.starts_with('\'')))
            });
            if literal
                && !s.contains(['\'', '\n', '\r'])
                && !s.chars().any(char::is_control)
                && let Ok(value) = format!("'{s}'").parse::<Toml>()
            {
                return Some(value);
            }
            Toml::from(s.as_str())
        }
        Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push_formatted(fresh_value(item, None)?);
            }
            Toml::Array(array)
        }
        Value::Object(map) => {
            let mut table = InlineTable::new();
            for (key, value) in map {
                if let Some(value) = fresh_value(value, None) {
                    table.insert(key, value);
                }
            }
            Toml::InlineTable(table)
        }
    })
}

/// `front` edited so that it holds exactly the data `new`, changing only what differs: a
/// changed value in place (its comment and spacing kept), removed keys and array items taken
/// out, new ones added after the others of their table. `None` when the result would not read
/// back as `new` (the caller then writes the front matter afresh).
pub fn rewrite(front: &str, new: &Value) -> Option<String> {
    let mut doc: DocumentMut = front.parse().ok()?;
    sync_table(doc.as_table_mut(), new.as_object()?, false)?;
    let text = doc.to_string();
    let back = parse(&text).ok()?;
    (back == without_nulls(new)).then_some(text)
}

/// `value` as TOML keeps it: without null members.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn sync_table(table: &mut dyn TableLike, new: &Map<String, Value>, inline: bool) -> Option<()> {
    let gone: Vec<String> = table
        .iter()
        .map(|(key, _)| key.to_owned())
        .filter(|key| new.get(key).is_none_or(Value::is_null))
        .collect();
    for key in gone {
        table.remove(&key);
    }
    for (key, value) in new.iter().filter(|(_, v)| !v.is_null()) {
        match table.get_mut(key) {
            Some(item) => sync_item(item, value)?,
            None => {
                let item = if inline {
                    Item::Value(fresh_value(value, None)?)
                } else {
                    fresh_item(value)?
                };
                table.insert(key, item);
            }
        }
    }
    Some(())
}

fn sync_item(item: &mut Item, new: &Value) -> Option<()> {
    if item_data(item).ok().as_ref() == Some(&without_nulls(new)) {
        return Some(());
    }
    match (item, new) {
        (Item::Table(table), Value::Object(map)) => sync_table(table, map, false),
        (Item::ArrayOfTables(tables), Value::Array(items))
            if items.iter().all(Value::is_object) =>
        {
            while tables.len() > items.len() {
                tables.remove(tables.len() - 1);
            }
            for (at, map) in items.iter().filter_map(Value::as_object).enumerate() {
                match tables.get_mut(at) {
                    Some(table) => sync_table(table, map, false)?,
                    None => {
                        let mut table = Table::new();
                        fill(&mut table, map);
                        tables.push(table);
                    }
                }
            }
            Some(())
        }
        (Item::Value(value), new) => sync_value(value, new),
        (item, new) => {
            *item = fresh_item(new)?;
            Some(())
        }
    }
}

fn sync_value(value: &mut Toml, new: &Value) -> Option<()> {
    if value_data(value).ok().as_ref() == Some(&without_nulls(new)) {
        return Some(());
    }
    match (&mut *value, new) {
        (Toml::InlineTable(table), Value::Object(map)) => sync_table(table, map, true),
        (Toml::Array(array), Value::Array(items)) => {
            while array.len() > items.len() {
                array.remove(array.len() - 1);
            }
            for (at, item) in items.iter().enumerate() {
                if at < array.len() {
                    let old = array.get(at)?;
                    if value_data(old).ok().as_ref() != Some(item) {
                        let mut next = old.clone();
                        sync_value(&mut next, item)?;
                        array.replace_formatted(at, next);
                    }
                } else {
                    array.push_formatted(fresh_value(item, None)?);
                }
            }
            Some(())
        }
        (old, new) => {
            let decor = old.decor().clone();
            let mut next = fresh_value(new, Some(old))?;
            *next.decor_mut() = decor;
            *old = next;
            Some(())
        }
    }
}

/// The line (1-based, in `front`) of the key at `path` (keys, and array indices as digits), or
/// of the nearest thing around it that is there.
pub fn line_of(front: &str, path: &[String]) -> Option<usize> {
    enum At<'a> {
        Table(&'a dyn TableLike),
        Tables(&'a ArrayOfTables),
        Array(&'a Array),
        Leaf,
    }
    fn of_item(item: &Item) -> At<'_> {
        match item {
            Item::Table(table) => At::Table(table),
            Item::ArrayOfTables(tables) => At::Tables(tables),
            Item::Value(value) => of_value(value),
            Item::None => At::Leaf,
        }
    }
    fn of_value(value: &Toml) -> At<'_> {
        match value {
            Toml::InlineTable(table) => At::Table(table),
            Toml::Array(array) => At::Array(array),
            _ => At::Leaf,
        }
    }
    let doc = toml_edit::Document::parse(front).ok()?;
    let line = |span: Option<std::ops::Range<usize>>| {
        span.map(|s| front[..s.start.min(front.len())].matches('\n').count() + 1)
    };
    let mut at = At::Table(doc.as_table());
    let mut found = None;
    for token in path {
        let index = token.parse::<usize>().ok();
        let (span, next) = match at {
            At::Table(table) => match table.get_key_value(token) {
                Some((key, item)) => (key.span(), of_item(item)),
                None => break,
            },
            At::Tables(tables) => match index.and_then(|i| tables.get(i)) {
                Some(table) => (table.span(), At::Table(table)),
                None => break,
            },
            At::Array(array) => match index.and_then(|i| array.get(i)) {
                Some(value) => (value.span(), of_value(value)),
                None => break,
            },
            At::Leaf => break,
        };
        found = line(span).or(found);
        at = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FRONT: &str = "# The page\ntitle = \"Gen3 Forum\"   # shown in the menu\ndate = 2019-03-01T10:00:00-05:00\nslug = 'forum'\n\n[g3Teaser]\ntitle = \"Welcome\"\ndetail = \"\"\"\nA long\ntext\"\"\"\n\n[g3Teaser.button1]\ncaption = \"Go\"\nlink = \"/go\"\n\n[[g3Upcoming]]\nTitle = \"One\"\n\n[[g3Upcoming]]\nTitle = \"Two\"\n";

    #[test]
    fn it_reads_as_data_with_dates_as_text() {
        let data = parse(FRONT).unwrap();
        assert_eq!(data["date"], "2019-03-01T10:00:00-05:00");
        assert_eq!(data["g3Teaser"]["detail"], "A long\ntext");
        assert_eq!(data["g3Upcoming"][1]["Title"], "Two");
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["title", "date", "slug", "g3Teaser", "g3Upcoming"]);
    }

    #[test]
    fn an_unchanged_front_matter_is_kept_byte_for_byte() {
        let data = parse(FRONT).unwrap();
        assert_eq!(rewrite(FRONT, &data).unwrap(), FRONT);
    }

    #[test]
    fn an_edit_changes_only_its_line_in_its_own_quoting() {
        let mut data = parse(FRONT).unwrap();
        data["title"] = json!("Gen3 Forum 2019");
        data["slug"] = json!("forum-2019");
        data["date"] = json!("2019-03-02T10:00:00-05:00");
        data["g3Teaser"]["button1"]["caption"] = json!("Go now");
        let edited = rewrite(FRONT, &data).unwrap();
        let expected = FRONT
            .replace("\"Gen3 Forum\"   #", "\"Gen3 Forum 2019\"   #")
            .replace("'forum'", "'forum-2019'")
            .replace("2019-03-01T10", "2019-03-02T10")
            .replace("caption = \"Go\"", "caption = \"Go now\"");
        assert_eq!(edited, expected);
    }

    #[test]
    fn entries_and_tables_come_and_go_as_their_own_lines() {
        let mut data = parse(FRONT).unwrap();
        data["g3Upcoming"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Title": "Three"}));
        data["g3Teaser"].as_object_mut().unwrap().remove("detail");
        let edited = rewrite(FRONT, &data).unwrap();
        assert!(
            edited.ends_with(
                "[[g3Upcoming]]\nTitle = \"Two\"\n\n[[g3Upcoming]]\nTitle = \"Three\"\n"
            ),
            "{edited}"
        );
        assert!(!edited.contains("A long"), "{edited}");
        assert_eq!(parse(&edited).unwrap(), data);
    }

    #[test]
    fn written_afresh_it_reads_back_as_the_same_data() {
        let data = parse(FRONT).unwrap();
        let text = write(&data);
        assert_eq!(parse(&text).unwrap(), data);
        assert!(text.contains("[[g3Upcoming]]"), "{text}");
    }

    #[test]
    fn findings_point_at_the_line_of_their_key() {
        assert_eq!(line_of(FRONT, &["slug".into()]), Some(4));
        assert_eq!(
            line_of(FRONT, &["g3Teaser".into(), "button1".into(), "link".into()]),
            Some(14)
        );
        assert_eq!(
            line_of(FRONT, &["g3Teaser".into(), "nothing".into()]),
            Some(6)
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
