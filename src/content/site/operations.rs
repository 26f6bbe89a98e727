//! The site's files coming in and going out, as the command line asks for them: each operation
//! is one transaction on the store.

use std::sync::Arc;

use super::{
    ActiveModel, Breakage, Imported, PageInput, StoredPage, active_model, apply_model,
    current_model, import_page, import_pages, store_model, stored_pages,
};
use crate::content::read::stored::{self as store, LANDING, Stored};
use crate::content::write::plan::Replaced;
use crate::model::Model;
use crate::storage::Store;

/// The model in force, without writing anything.
pub async fn model(store: &Store) -> anyhow::Result<ActiveModel> {
    current_model(&mut *store.reader().await?).await
}

/// The model in force and every page as stored under it, from one state of the site.
pub async fn site(store: &Store) -> anyhow::Result<(ActiveModel, Vec<StoredPage>)> {
    let mut tx = store.begin_read().await?;
    let model = current_model(&mut tx).await?;
    let pages = stored_pages(&mut tx, &model.model).await?;
    tx.commit().await?;
    Ok((model, pages))
}

/// The landing page as stored, under the model in force.
pub async fn landing(store: &Store) -> anyhow::Result<(Arc<Model>, Option<Stored>)> {
    let conn = &mut *store.reader().await?;
    let model = current_model(conn).await?.model;
    let stored = store::load(conn, &model, LANDING).await?;
    Ok((model, stored))
}

/// Makes `text` (read as `model`) the model in force, with every stored page read again under
/// it; refused with every breakage, and nothing changed, if anything stored would not hold.
pub async fn apply(
    store: &Store,
    text: &str,
    model: &Model,
    author: &str,
) -> anyhow::Result<Result<i64, Vec<Breakage>>> {
    let mut tx = store.begin_write().await?;
    let applied = apply_model(&mut tx, text, model, author).await?;
    if applied.is_ok() {
        tx.commit().await?;
    }
    Ok(applied)
}

/// Makes `pages` the whole site (stored pages not among them deleted), read under `model`, which
/// becomes the model in force when `given` (its text) is; one publish by `author`. Returns the
/// new model's version, if one was given, and what changed.
pub async fn import(
    store: &Store,
    given: Option<&str>,
    model: Model,
    pages: &[PageInput],
    author: &str,
) -> anyhow::Result<(Option<i64>, Imported)> {
    let mut tx = store.begin_write().await?;
    // What is stored was stored under the model in force before this import.
    let before = active_model(&mut tx).await?.model;
    let version = match given {
        Some(text) => Some(store_model(&mut tx, text, author).await?),
        None => None,
    };
    let model = Arc::new(model);
    let imported = import_pages(&mut tx, (&before, &model), pages, author, true).await?;
    tx.commit().await?;
    Ok((version, imported))
}

/// Stores one page as one publish by `author`, the rest of the site untouched.
pub async fn import_one(
    store: &Store,
    input: &PageInput,
    author: &str,
) -> anyhow::Result<Replaced> {
    let mut tx = store.begin_write().await?;
    let replaced = import_page(&mut tx, input, author).await?;
    tx.commit().await?;
    Ok(replaced)
}
