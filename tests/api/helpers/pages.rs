//! Every page (`/pages/{id}…`, `/site.tar`): writes as the editor, text as served, the files of
//! the whole-site download.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;

use super::TestApp;

impl TestApp {
    /// A write as the editor: `body` as JSON (or merge patch for PATCH), `If-Match: if_match`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        if_match: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        self.send_as(&self.editor, method, path, if_match, body)
            .await
    }

    /// The text `path` answers, which must be 200.
    pub async fn text(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.text().await.unwrap()
    }
}

/// The files of a tar of `content/`, by path under it.
pub fn archive_files(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = tar::Archive::new(bytes);
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let file = path
                .strip_prefix("content/")
                .expect("under content/")
                .to_owned();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            (file, text)
        })
        .collect()
}
