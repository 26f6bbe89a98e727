//! The test server and what every test file uses: `TestApp::builder()` (a new database, the
//! site imported, settings changed) and plain requests. Each endpoint family has its own
//! helpers in a file beside this one (`sections`, `pages`, `change_sets`, `tokens`), the command line
//! and the binary theirs (`binary`).

mod binary;
mod change_sets;
mod pages;
mod sections;
mod tokens;

pub use binary::*;
pub use change_sets::*;
pub use pages::*;
pub use sections::*;
pub use tokens::*;

use std::path::{Path, PathBuf};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use gen3_content::app::config::{ServeArgs, Settings};
use gen3_content::app::startup::Application;
use gen3_content::auth::Scope;
use gen3_content::content::Store;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    handle: ServerHandle,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub database: PathBuf,
    /// Tokens created before start: `write` and `read` scope.
    pub editor: String,
    pub reader: String,
    /// The editor token's name: the author of what it writes.
    pub editor_name: String,
    // The temp dir of the database, when the app owns it; removed on drop.
    _dir: Option<TempDir>,
}

pub fn settings(database: &Path) -> Settings {
    let args = ServeArgs {
        bind: "127.0.0.1:0".to_owned(),
        workers: Some(2),
        reload_interval_ms: 50,
        ..ServeArgs::default()
    };
    Settings::new(database.to_path_buf(), args).expect("valid test settings")
}

/// The Gen3 site at the seed's revision, as the site team keeps it.
pub const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");

/// A server to start: a new database, optionally filled by `import --site` first, with settings
/// changed from the tests' defaults. `TestApp::builder().site().spawn().await`.
#[must_use]
pub struct Builder {
    import: Option<String>,
    changes: Vec<SettingsChange>,
}

type SettingsChange = Box<dyn FnOnce(&mut Settings)>;

impl TestApp {
    pub fn builder() -> Builder {
        Builder {
            import: None,
            changes: Vec::new(),
        }
    }
}

impl Builder {
    /// The whole Gen3 site imported before the server starts.
    pub fn site(self) -> Self {
        self.import(SITE)
    }

    /// The content folder `folder` imported (`import --site`) before the server starts.
    pub fn import(mut self, folder: &str) -> Self {
        self.import = Some(folder.to_owned());
        self
    }

    /// A change to the tests' default settings.
    pub fn settings(mut self, change: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.changes.push(Box::new(change));
        self
    }

    pub async fn spawn(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = dir.path().join("content.db");
        if let Some(folder) = &self.import {
            let out = gen3(&database, &["import", "--site", folder]);
            let (stdout, stderr) = outputs(&out);
            assert!(out.status.success(), "{stderr}{stdout}");
        }
        let mut settings = settings(&database);
        for change in self.changes {
            change(&mut settings);
        }
        spawn_with(Some(dir), settings).await
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("content.db");
    spawn_with(Some(dir), settings(&database)).await
}

/// Makes token names unique across restarts on one database.
static TOKENS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// Starts the application with `settings`, keeping `dir` alive as long as it runs.
pub async fn spawn_with(dir: Option<TempDir>, settings: Settings) -> TestApp {
    let database = settings.database.clone();
    let n = TOKENS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (editor_name, reader_name) = (format!("editor{n}"), format!("reader{n}"));
    let store = Store::open(&database, Default::default())
        .await
        .expect("database");
    let editor = create_token(&store, &editor_name, Scope::Write).await;
    let reader = create_token(&store, &reader_name, Scope::Read).await;
    store.close().await;
    let app = Application::build(settings)
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        handle,
        server: Some(server),
        database,
        editor,
        reader,
        editor_name,
        _dir: dir,
    }
}

/// The JSON of `response`, which must have status `status` (`what` names it if not).
pub async fn json_of(response: Response, status: u16, what: &str) -> Value {
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, HeaderMap::new()).await
    }

    pub async fn request(&self, method: Method, path: &str, headers: HeaderMap) -> Response {
        self.client
            .request(method, format!("{}{path}", self.address))
            .headers(headers)
            .send()
            .await
            .expect("the server answers")
    }

    /// GET with headers given as pairs.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        self.request(Method::GET, path, map).await
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A request to `path` carrying `token` (if any).
    pub fn with_token(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let request = self
            .client
            .request(method, format!("{}{path}", self.address));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// A request as `token`: `body` as JSON (a merge patch for PATCH), `If-Match: if_match`.
    pub async fn send_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        if_match: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Response {
        let patch = method == Method::PATCH;
        let mut request = self.with_token(method, path, Some(token));
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        if let Some(body) = body {
            let media = if patch {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            request = request.header("Content-Type", media).body(body.to_string());
        }
        request.send().await.expect("the server answers")
    }

    /// The current `ETag` of `path`.
    pub async fn etag(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.headers()["etag"].to_str().unwrap().to_owned()
    }

    /// Stops the server gracefully and waits until it has closed the database.
    pub async fn stop(mut self) {
        self.handle.stop(true).await;
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    /// The database as another process of the command line opens it.
    pub async fn store(&self) -> Store {
        Store::open(&self.database, Default::default())
            .await
            .expect("database")
    }

    /// Another process on the same database file, as an `import` would be.
    pub async fn other_process(&self) -> SqlitePool {
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(gen3_content::storage::db::connect_options(
                &self.database,
                Default::default(),
            ))
            .await
            .unwrap()
    }

    /// Waits until `path` answers something other than `etag`, for at most `limit`.
    pub async fn wait_for_change(&self, path: &str, etag: &str, limit: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            let response = self.get(path).await;
            if response.headers()["etag"] != etag {
                return Some(response.json().await.unwrap());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the workers end with it.
        drop(self.handle.stop(false));
    }
}
