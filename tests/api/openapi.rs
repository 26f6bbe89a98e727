//! The committed OpenAPI document is exactly what the code generates and what the server serves.

use gen3_content::http::openapi::openapi;
use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = "openapi/openapi.json";

fn generated() -> String {
    // The committed document is what the built-in content model gives.
    openapi(&gen3_content::model::Model::built_in())
        .to_pretty_json()
        .expect("the document serialises")
        + "\n"
}

#[test]
fn committed_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let generated = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} differs from what the code generates; regenerate it with \
         `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit the result"
    );
}

#[tokio::test]
async fn served_document_is_the_committed_one() {
    let app = spawn_app().await;
    let served: Value = app.get("/openapi.json").await.json().await.unwrap();
    let generated: Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, generated);
}

/// Validates `instance` against the component schema `name` of the generated document.
fn assert_matches_schema(doc: &Value, name: &str, instance: &Value) {
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&schema).expect("the document's schemas compile");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
}

#[tokio::test]
async fn every_response_body_matches_its_schema() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let app = spawn_app().await;
    let all: Value = app.get_json("/sections").await;
    assert_matches_schema(&doc, "SectionsDocument", &all);
    for section in all["sections"].as_array().unwrap() {
        let id = section["id"].as_str().unwrap();
        assert_matches_schema(
            &doc,
            "Section",
            &app.get_json(&format!("/sections/{id}")).await,
        );
    }
    assert_matches_schema(&doc, "Status", &app.get_json("/_status").await);
    assert_matches_schema(&doc, "VersionInfo", &app.get_json("/_version").await);
    let problem: Value = app.get("/sections/nope").await.json().await.unwrap();
    assert_matches_schema(&doc, "Problem", &problem);

    // And the schema is not vacuous: a section with a wrong type or a missing field fails it.
    let mut wrong = all["sections"][0].clone();
    wrong["type"] = "vision".into();
    let schema = serde_json::json!({"$ref": "#/components/schemas/Section", "components": doc["components"]});
    assert!(!jsonschema::is_valid(&schema, &wrong));
    let mut missing = all["sections"][0].clone();
    missing.as_object_mut().unwrap().remove("title");
    assert!(!jsonschema::is_valid(&schema, &missing));
}

/// The section types of the built-in content model: the landing page's nine and the other
/// pages' (`seed/model.yaml`).
const SECTION_TYPES: [&str; 18] = [
    "agenda",
    "agenda-detail",
    "commons",
    "company",
    "contributor",
    "data-features",
    "entrance",
    "events",
    "features",
    "figure-features",
    "page-teaser",
    "resources",
    "roles",
    "starts",
    "teaser",
    "three-figure-features",
    "users",
    "vision",
];

#[test]
fn a_section_is_a_tagged_union_over_the_models_section_types() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let section = &schemas["Section"];
    assert_eq!(section["discriminator"]["propertyName"], "type");
    let members = section["oneOf"].as_array().unwrap();
    assert_eq!(members.len(), SECTION_TYPES.len());
    for (tag, target) in section["discriminator"]["mapping"].as_object().unwrap() {
        assert!(
            members.iter().any(|m| m["$ref"] == *target),
            "{tag} is not in oneOf"
        );
        let name = target.as_str().unwrap().rsplit('/').next().unwrap();
        let parts: Vec<&str> = schemas[name]["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["$ref"].as_str().unwrap())
            .collect();
        assert_eq!(parts[0], "#/components/schemas/SectionMeta", "{name}");
        let content = parts[1].rsplit('/').next().unwrap();
        assert_eq!(
            schemas[content]["properties"]["type"]["enum"],
            serde_json::json!([tag]),
            "{content}"
        );
    }
}

#[test]
fn section_content_is_a_tagged_union_over_the_models_section_types() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let content = &doc["components"]["schemas"]["SectionContent"];
    assert_eq!(content["discriminator"]["propertyName"], "type");
    let mapping = content["discriminator"]["mapping"].as_object().unwrap();
    let mut types: Vec<&str> = mapping.keys().map(String::as_str).collect();
    types.sort_unstable();
    assert_eq!(types, SECTION_TYPES);
    let variants = content["oneOf"].as_array().unwrap();
    assert_eq!(variants.len(), SECTION_TYPES.len());
    for (tag, target) in mapping {
        let name = target.as_str().unwrap().rsplit('/').next().unwrap();
        assert!(
            variants.iter().any(|v| v["$ref"] == *target),
            "{tag} is not in oneOf"
        );
        let schema = &doc["components"]["schemas"][name];
        assert_eq!(
            schema["properties"]["type"]["enum"],
            serde_json::json!([tag]),
            "{name}"
        );
    }
}

#[test]
fn every_error_response_is_a_problem_document() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"]
                        .as_object()
                        .unwrap_or_else(|| panic!("{method} {path} {status}"));
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn write_and_history_responses_match_their_schemas() {
    use reqwest::Method;
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let app = spawn_app().await;
    let written = app
        .put("vision", "*", &serde_json::json!({"quote": "Q"}))
        .await;
    assert_eq!(written.status(), 200);
    assert_matches_schema(&doc, "Section", &written.json().await.unwrap());
    let patched = app
        .patch("teaser", "*", &serde_json::json!({"title": "T"}))
        .await;
    assert_matches_schema(&doc, "Section", &patched.json().await.unwrap());
    assert_matches_schema(&doc, "RevisionList", &app.history("vision").await);
    let revision: Value = app
        .with_token(
            Method::GET,
            "/sections/vision/revisions/1",
            Some(&app.reader),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_matches_schema(&doc, "Revision", &revision);
    let invalid: Value = app
        .put("vision", "*", &serde_json::json!({"quote": ""}))
        .await
        .json()
        .await
        .unwrap();
    assert_matches_schema(&doc, "Problem", &invalid);
    // A revision's content is a valid PUT body by the document too.
    assert_matches_schema(&doc, "SectionContent", &revision["content"]);
}

#[test]
fn writes_and_history_need_the_bearer_scheme_and_document_every_status() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    let writes = [
        ("/sections/{id}", "put", "application/json"),
        ("/sections/{id}", "patch", "application/merge-patch+json"),
        ("/sections/{id}/revisions/{revision}/restore", "post", ""),
    ];
    for (path, method, media_type) in writes {
        let op = &doc["paths"][path][method];
        assert_eq!(
            op["security"],
            serde_json::json!([{"bearer": []}]),
            "{method} {path}"
        );
        let statuses: Vec<&str> = op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for status in [
            "200", "400", "401", "403", "404", "408", "412", "413", "415", "422", "428", "429",
            "500", "503", "507",
        ] {
            assert!(statuses.contains(&status), "{method} {path} lacks {status}");
        }
        let if_match = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "If-Match")
            .unwrap_or_else(|| panic!("{method} {path} has no If-Match"));
        assert_eq!(if_match["required"], true);
        if !media_type.is_empty() {
            assert!(
                op["requestBody"]["content"][media_type].is_object(),
                "{method} {path}"
            );
        }
    }
    for path in [
        "/sections/{id}/revisions",
        "/sections/{id}/revisions/{revision}",
    ] {
        assert_eq!(
            doc["paths"][path]["get"]["security"],
            serde_json::json!([{"bearer": []}])
        );
    }
    // Public reads need no token; with `?changeset=` a `preview` one (either is allowed).
    assert_eq!(
        doc["paths"]["/sections"]["get"]["security"],
        serde_json::json!([{}, {"bearer": []}])
    );
    let parameters = doc["paths"]["/sections"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        parameters
            .iter()
            .any(|p| p["name"] == "changeset" && p["in"] == "query")
    );
}
