//! The landing page's sections (`/sections/{id}`): writes as the editor, history as the
//! reader, what a refused write must leave alone, and a revision written by another process.

use reqwest::{Method, Response};
use serde_json::Value;
use sqlx::SqlitePool;

use super::TestApp;

impl TestApp {
    /// `PUT /sections/{id}` as the editor.
    pub async fn put(&self, id: &str, if_match: &str, body: &Value) -> Response {
        self.with_token(Method::PUT, &format!("/sections/{id}"), Some(&self.editor))
            .header("If-Match", if_match)
            .json(body)
            .send()
            .await
            .expect("the server answers")
    }

    /// `PATCH /sections/{id}` with a merge patch, as the editor.
    pub async fn patch(&self, id: &str, if_match: &str, patch: &Value) -> Response {
        self.with_token(
            Method::PATCH,
            &format!("/sections/{id}"),
            Some(&self.editor),
        )
        .header("If-Match", if_match)
        .header("Content-Type", "application/merge-patch+json")
        .body(patch.to_string())
        .send()
        .await
        .expect("the server answers")
    }

    /// `GET /sections/{id}/revisions` as the reader.
    pub async fn history(&self, id: &str) -> Value {
        let path = format!("/sections/{id}/revisions");
        let response = self
            .with_token(Method::GET, &path, Some(&self.reader))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// Everything a rejected write must leave alone: the section, its `ETag`, the collection's
    /// `ETag` and the section's history.
    pub async fn state_of(&self, id: &str) -> (Value, String, String, Value) {
        let path = format!("/sections/{id}");
        let response = self.get(&path).await;
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        let section = response.json().await.unwrap();
        (
            section,
            etag,
            self.etag("/sections").await,
            self.history(id).await,
        )
    }
}

/// Writes a new revision of `section` from another connection, as another process would.
pub async fn write_revision(pool: &SqlitePool, section: &str, content: &Value) {
    use gen3_content::content::read::stored;
    use gen3_content::content::write::commit::{PageChange, Publisher, commit};
    use gen3_content::content::write::plan::Before;
    use gen3_content::storage::publish::ChangeSetRef;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let model = gen3_content::content::site::active_model(&mut tx)
        .await
        .unwrap()
        .model;
    let page = stored::load_page(&mut tx, &model, stored::LANDING)
        .await
        .unwrap()
        .unwrap();
    let mut next = page.page.clone();
    let value = model
        .section(
            page.page.section(section).unwrap().content.type_name(),
            content,
            &gen3_content::model::Pointer::root(),
            &mut gen3_content::model::Errors::default(),
        )
        .expect("valid content");
    next.replace_section(section, value);
    let at = gen3_content::model::Timestamp::now().to_rfc3339();
    let by = Publisher {
        set: ChangeSetRef::NewLive {
            name: "another process",
            author: "test",
            at: &at,
        },
        name: "another process",
        author: "test",
    };
    let change = PageChange {
        id: stored::LANDING,
        file: &page.file.clone(),
        before: Before::Stored {
            page: &page,
            deleted: false,
        },
        after: Some(&next),
        source: None,
    };
    commit(&mut tx, by, &model, &[change], &|_| None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The landing page's nine sections, in page order (each of the type of its name).
pub const LANDING_SECTIONS: [&str; 9] = [
    "teaser",
    "features",
    "roles",
    "vision",
    "users",
    "company",
    "commons",
    "contributor",
    "entrance",
];
