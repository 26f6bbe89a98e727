//! Change sets (`/changesets`, `?changeset=`): created, published and read as the editor; paths
//! within one; validators as a given token sees them.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::{TestApp, json_of};

/// `path` with `?changeset=set` (or `&`).
pub fn within(path: &str, set: i64) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{path}{join}changeset={set}")
}

/// `GET /changesets/{id}` as `app`'s editor, which must answer 200.
pub async fn change_set_document(app: &TestApp, id: i64) -> Value {
    let path = format!("/changesets/{id}");
    let response = app
        .send_as(&app.editor, Method::GET, &path, None, None)
        .await;
    json_of(response, 200, &path).await
}

impl TestApp {
    /// `POST /changesets` as the editor: a new open change set `name` at its `Location`; its id.
    pub async fn create_change_set(&self, name: &str) -> i64 {
        let response = self
            .send_as(
                &self.editor,
                Method::POST,
                "/changesets",
                None,
                Some(&json!({"name": name})),
            )
            .await;
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let body = json_of(response, 201, "POST /changesets").await;
        assert_eq!(location, format!("/changesets/{}", body["id"]));
        assert_eq!(body["state"], "open");
        body["id"].as_i64().unwrap()
    }

    /// `POST /changesets/{set}/publish` as the editor, whatever it answers.
    pub async fn publish(&self, set: i64) -> Response {
        let path = format!("/changesets/{set}/publish");
        self.send_as(&self.editor, Method::POST, &path, None, None)
            .await
    }

    /// The `ETag` of `path` as `token` reads it, which must answer 200.
    pub async fn etag_as(&self, token: Option<&str>, path: &str) -> String {
        let response = self
            .with_token(Method::GET, path, token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.headers()["etag"].to_str().unwrap().to_owned()
    }

    /// The `ETag` of a 200 to `path` as `token` reads it, if it answers 200 (the body read to
    /// its end, so that the connection goes back to the pool).
    pub async fn tag_of(&self, token: Option<&str>, path: &str) -> Option<String> {
        let response = self
            .with_token(Method::GET, path, token)
            .send()
            .await
            .unwrap();
        let ok = response.status() == 200;
        let tag = response
            .headers()
            .get("etag")
            .map(|t| t.to_str().unwrap().to_owned());
        response.bytes().await.unwrap();
        tag.filter(|_| ok)
    }
}
