//! The seed page: `seed/about.md`, built into the binary, or a file named by `--seed`.
//! It is read and checked before the database is touched, and stored only into an empty one.

use std::path::PathBuf;

use anyhow::Context;
use sqlx::SqlitePool;

use crate::content::{site, store};
use crate::hugo;
use crate::model::{Model, Page};

/// The project's copy of the Gen3 landing page.
pub const BUILT_IN: &str = include_str!("../../seed/about.md");

/// The author of seeded revisions.
pub const AUTHOR: &str = "seed";

/// The seed: the page, and the file it was read from (which the export starts from).
pub struct Seed {
    pub page: Page,
    pub text: String,
}

/// Reads and parses the seed page; errors name the file, the YAML path and the line.
pub fn load(path: Option<&PathBuf>) -> anyhow::Result<Seed> {
    let (name, text) = match path {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the seed {}", path.display()))?,
        ),
        None => ("the built-in seed".to_owned(), BUILT_IN.to_owned()),
    };
    // Only a new database is seeded, and it starts with the built-in model.
    let page = hugo::parse_page(&text, &Model::built_in(), store::LANDING)
        .with_context(|| format!("{name} is not a valid page"))?;
    Ok(Seed { page, text })
}

/// Stores `page` if, and only if, the database holds nothing yet, and the built-in content
/// model if it holds none (a new database, or one from a release before the model); one
/// transaction. Returns whether it seeded the page.
pub async fn seed_if_empty(pool: &SqlitePool, seed: &Seed) -> anyhow::Result<bool> {
    // IMMEDIATE: two servers starting on one new file must not both seed it.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let empty = store::is_empty(&mut tx).await?;
    if empty {
        let (id, file) = (store::LANDING, store::LANDING_FILE);
        store::store_page(
            &mut tx,
            id,
            file,
            &seed.page,
            Some(&seed.text),
            AUTHOR,
            None,
        )
        .await?;
    }
    site::active_model(&mut tx).await?;
    tx.commit().await?;
    Ok(empty)
}
