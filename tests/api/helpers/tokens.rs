//! Tokens: made for a running app's database as another process would, or by the binary.

use std::path::{Path, PathBuf};

use gen3_content::auth::{Scope, admin};
use gen3_content::content::Store;

use super::{TestApp, gen3, outputs};

/// A new database file `name` in `dir` with a `write` token made by `gen3-content token
/// create`, for tests that run the binary: the file and the token.
pub fn database_with_token(dir: &Path, name: &str) -> (PathBuf, String) {
    let database = dir.join(format!("{name}.db"));
    let out = gen3(
        &database,
        &["token", "create", "--name", name, "--scope", "write"],
    );
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    (database, stdout.trim().to_owned())
}

/// A token `name` of `scope` for `app`'s database, made as another process would; its secret.
pub async fn token(app: &TestApp, name: &str, scope: Scope) -> String {
    let store = app.store().await;
    let token = create_token(&store, name, scope).await;
    store.close().await;
    token
}

/// Creates a token as `gen3-content token create` does; returns its secret.
pub async fn create_token(store: &Store, name: &str, scope: Scope) -> String {
    admin::create(store, name, scope, None)
        .await
        .expect("token created")
        .expose()
        .to_owned()
}
