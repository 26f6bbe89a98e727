//! `GET /sections` and `GET /sections/{id}` serve the seed, all of it, typed and in page order.

use serde_json::Value;

use crate::helpers::spawn_app;

const SEED: &str = include_str!("../../seed/about.md");
const SYSTEM_FIELDS: [&str; 5] = ["id", "type", "position", "revision", "updated_at"];
const ORDER: [&str; 9] = crate::helpers::LANDING_SECTIONS;

/// The seed's front matter read as plain YAML, independently of the server's own parser.
fn front_matter_leaves() -> Vec<(Vec<String>, String)> {
    let front = SEED
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
    let mut leaves = Vec::new();
    collect(&yaml, &mut Vec::new(), &mut leaves);
    leaves
}

fn collect(
    value: &serde_yaml::Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, child) in map {
                path.push(key.as_str().expect("string keys").to_owned());
                collect(child, path, out);
                path.pop();
            }
        }
        serde_yaml::Value::String(s) => out.push((path.clone(), s.clone())),
        other => panic!("unexpected YAML value at {path:?}: {other:?}"),
    }
}

/// Where the API shows a front matter leaf: the mapping the contract's table describes.
fn lookup<'a>(doc: &'a Value, path: &[String]) -> Option<&'a Value> {
    let section_id = match path[0].as_str() {
        "identifier" | "title" | "linktitle" | "date" => return doc["page"].get(&path[0]),
        "g3Teaser" => "teaser",
        "g3Feature" => "features",
        "g3Roles" => "roles",
        "g3RLG" => "vision",
        "g3User" => "users",
        "g3Company" => return section(doc, "company")?.get("title"),
        "g3Commons" => "commons",
        "g3Contributor" => "contributor",
        "g3Entrance" => "entrance",
        other => panic!("unexpected front matter key {other}"),
    };
    let mut node = section(doc, section_id)?;
    let mut rest = &path[1..];
    let numbered = |s: &str| {
        s.trim_start_matches(|c: char| c.is_ascii_lowercase())
            .parse::<u32>()
            .is_ok()
    };
    if let Some(first) = rest
        .first()
        .filter(|s| numbered(s) && node.get("items").is_some())
    {
        node = node["items"]
            .as_array()?
            .iter()
            .find(|item| item["key"] == first.as_str())?;
        rest = &rest[1..];
    }
    for key in rest {
        node = node.get(key)?;
    }
    Some(node)
}

fn section<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    doc["sections"].as_array()?.iter().find(|s| s["id"] == id)
}

/// Every string the API serves as content (system fields and item keys aside).
fn content_leaves(value: &Value, depth: usize, count: &mut usize) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let system = (depth == 0 && SYSTEM_FIELDS.contains(&key.as_str()))
                    || (depth == 2 && key == "key");
                if !system {
                    content_leaves(child, depth + 1, count);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| content_leaves(item, depth + 1, count)),
        Value::String(_) => *count += 1,
        other => panic!("unexpected content value {other}"),
    }
}

#[tokio::test]
async fn every_leaf_of_the_seed_front_matter_is_served_unchanged() {
    let app = spawn_app().await;
    let doc = app.get_json("/sections").await;
    let leaves = front_matter_leaves();
    assert!(leaves.len() > 100, "the seed has {} leaves", leaves.len());
    for (path, expected) in &leaves {
        let served = lookup(&doc, path);
        assert_eq!(
            served.and_then(Value::as_str),
            Some(expected.as_str()),
            "{}",
            path.join(".")
        );
    }
    // …and nothing else: the API holds exactly as many content strings as the seed has leaves.
    let mut served = doc["page"].as_object().unwrap().len();
    for section in doc["sections"].as_array().unwrap() {
        content_leaves(section, 0, &mut served);
    }
    assert_eq!(served, leaves.len());
}

#[tokio::test]
async fn the_nine_sections_come_in_page_order_with_their_system_fields() {
    let app = spawn_app().await;
    let doc = app.get_json("/sections").await;
    let sections = doc["sections"].as_array().unwrap();
    let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ORDER);
    for (i, s) in sections.iter().enumerate() {
        let keys: Vec<&str> = s
            .as_object()
            .unwrap()
            .keys()
            .take(5)
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["id", "type", "position", "revision", "updated_at"],
            "as API.md shows them"
        );
        assert_eq!(s["type"], s["id"]);
        assert_eq!(s["position"], i + 1);
        assert_eq!(s["revision"], 1);
        let updated = s["updated_at"].as_str().unwrap();
        assert!(updated.len() == 20 && updated.ends_with('Z'), "{updated}");
    }
    assert_eq!(
        doc["page"],
        serde_json::json!({"identifier": "about", "title": "Welcome to Gen3", "linktitle": "about",
                           "date": "2018-09-04T22:16:21-05:00"})
    );
}

#[tokio::test]
async fn numbered_maps_become_items_that_keep_their_keys_and_gaps() {
    let app = spawn_app().await;
    let commons = app.get_json("/sections/commons").await;
    let keys: Vec<&str> = commons["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (2..=24)
        .filter(|n| *n != 12)
        .map(|n| format!("c{n}"))
        .collect();
    assert_eq!(keys, expected);
    let features = app.get_json("/sections/features").await;
    assert_eq!(features["items"].as_array().unwrap().len(), 6);
    let roles = app.get_json("/sections/roles").await;
    assert_eq!(roles["title"], "Gen3 helps you as...");
    assert_eq!(
        roles["items"][1]["button"]["target"], "_self",
        "unused fields are kept"
    );
    let company = app.get_json("/sections/company").await;
    assert_eq!(company["title"], "In good company...");
}

#[tokio::test]
async fn optional_targets_are_absent_not_null() {
    let app = spawn_app().await;
    let teaser = app.get_json("/sections/teaser").await;
    assert_eq!(teaser["button1"]["target"], "_blank");
    assert!(
        teaser["button2"]
            .as_object()
            .unwrap()
            .get("target")
            .is_none()
    );
}

#[tokio::test]
async fn text_is_served_raw_not_escaped() {
    let app = spawn_app().await;
    let body = app.get("/sections").await.text().await.unwrap();
    for raw in [
        "Gen3’s user community",
        "“From the perspective",
        "Who's using Gen3?",
        "Security & Tiered",
    ] {
        assert!(body.contains(raw), "{raw} is not served as is");
    }
}

#[tokio::test]
async fn each_section_alone_equals_its_element_in_the_collection() {
    let app = spawn_app().await;
    let doc = app.get_json("/sections").await;
    for element in doc["sections"].as_array().unwrap() {
        let id = element["id"].as_str().unwrap();
        assert_eq!(
            &app.get_json(&format!("/sections/{id}")).await,
            element,
            "{id}"
        );
    }
}
