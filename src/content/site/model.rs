//! The content model in force: the stored version the site is typed by, or the built-in one.

use std::sync::Arc;

use anyhow::anyhow;

use crate::model::Timestamp;
use crate::model::definition::{BUILT_IN, Model};
use crate::storage;
use crate::storage::Connection;

/// The content model in force, with its version.
#[derive(Debug, Clone)]
pub struct ActiveModel {
    pub version: i64,
    /// The file as applied.
    pub text: String,
    pub model: Arc<Model>,
}

/// The active model, without writing anything: the built-in one (version 1) when the database
/// has none stored yet.
pub async fn current_model(conn: &mut Connection) -> anyhow::Result<ActiveModel> {
    match storage::models::active(conn).await? {
        Some(row) => parsed(row),
        None => Ok(ActiveModel::built_in()),
    }
}

impl ActiveModel {
    /// The built-in model, as version 1: what a database without a stored model has.
    pub fn built_in() -> Self {
        Self {
            version: 1,
            text: BUILT_IN.to_owned(),
            model: Arc::new(Model::built_in()),
        }
    }
}

/// Stores `text` as the next version of the model, inside the caller's transaction, without
/// looking at stored content (for an import that replaces it all).
pub async fn store_model(conn: &mut Connection, text: &str, author: &str) -> anyhow::Result<i64> {
    let version = active_model(conn).await?.version + 1;
    storage::models::insert(conn, version, text, author, &Timestamp::now().to_rfc3339()).await?;
    Ok(version)
}

/// The active model; the built-in one, stored as version 1, when the database has none yet (a
/// new database, or one from a release before the content model).
pub async fn active_model(conn: &mut Connection) -> anyhow::Result<ActiveModel> {
    if let Some(row) = storage::models::active(conn).await? {
        return parsed(row);
    }
    let built_in = ActiveModel::built_in();
    let now = Timestamp::now().to_rfc3339();
    storage::models::insert(
        conn,
        built_in.version,
        &built_in.text,
        crate::model::authors::SEED,
        &now,
    )
    .await?;
    Ok(built_in)
}

fn parsed(row: storage::models::ModelRow) -> anyhow::Result<ActiveModel> {
    let model = Model::parse(&row.text).map_err(|errors| {
        anyhow!(
            "stored content model version {} is invalid: {errors:?}",
            row.version
        )
    })?;
    Ok(ActiveModel {
        version: row.version,
        text: row.text,
        model: Arc::new(model),
    })
}
