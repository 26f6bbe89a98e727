//! `import --site`, `export --site`, `check --site`: a Hugo `content/` folder, every page.
//!
//! Findings are one line each on stdout, `level: FILE:LINE: PATH: what`, so that an editor or CI
//! log points at the place; the one-line reason for a failure goes to stderr.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use super::output::{counted, write_atomically};
use crate::content::read::stored::LANDING;
use crate::content::site::{ActiveModel, Findings, Imported, operations, read_site};
use crate::content::{Store, Synchronous};
use crate::hugo::site::read_dir;
use crate::model::authors;
use crate::model::definition::Model;

fn print(found: &Findings, skipped: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for file in skipped {
        writeln!(out, "skipped: {file}: no front matter, not a page")?;
    }
    for error in &found.errors {
        writeln!(out, "error: {error}")?;
    }
    for warning in &found.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    out.flush()?;
    Ok(())
}

/// A model file, checked; its problems printed.
pub fn read_model(path: &Path) -> anyhow::Result<(String, Model)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the model {}", path.display()))?;
    match Model::parse(&text) {
        Ok(model) => Ok((text, model)),
        Err(errors) => {
            let mut out = std::io::stdout().lock();
            for e in &errors {
                writeln!(
                    out,
                    "error: {}: {}: {}",
                    path.display(),
                    e.pointer,
                    e.detail
                )?;
            }
            out.flush()?;
            bail!(
                "{} is not a valid content model: {}",
                path.display(),
                counted(errors.len(), "error")
            )
        }
    }
}

/// The database's model without writing anything, or the built-in one without a database.
pub async fn model_of(database: &Path) -> anyhow::Result<ActiveModel> {
    if !database.exists() {
        return Ok(ActiveModel::built_in());
    }
    let store = Store::open(database, Synchronous::Full).await?;
    let model = operations::model(&store).await;
    store.close().await;
    model
}

/// `check --site`: every page against the model, and the references of every body.
pub async fn check(
    database: &Path,
    root: &Path,
    model_file: Option<&Path>,
    strict: bool,
) -> anyhow::Result<()> {
    let model = match model_file {
        Some(path) => read_model(path)?.1,
        None => (*model_of(database).await?.model).clone(),
    };
    let folder = read_dir(root)
        .with_context(|| format!("cannot read the content folder {}", root.display()))?;
    let (_, found) = read_site(&model, &folder.pages, strict);
    print(&found, &folder.skipped)?;
    if !found.errors.is_empty() {
        bail!(
            "{}: {} in {}",
            root.display(),
            counted(found.errors.len(), "error"),
            counted(folder.pages.len(), "page")
        );
    }
    println!(
        "checked {}: {}, {} skipped",
        counted(folder.pages.len(), "page"),
        counted(found.warnings.len(), "warning"),
        counted(folder.skipped.len(), "file")
    );
    Ok(())
}

/// `import --site`: every page checked first; then, in one transaction, the model (with
/// `--model`) and the site. On any error nothing is written.
pub async fn import(database: &Path, root: &Path, model_file: Option<&Path>) -> anyhow::Result<()> {
    let folder = read_dir(root)
        .with_context(|| format!("cannot read the content folder {}", root.display()))?;
    let given = model_file.map(read_model).transpose()?;
    let model = match &given {
        Some((_, model)) => model.clone(),
        None => (*model_of(database).await?.model).clone(),
    };
    let (inputs, found) = read_site(&model, &folder.pages, false);
    print(&found, &folder.skipped)?;
    if !found.errors.is_empty() {
        bail!(
            "{}: {} in {}; nothing was imported",
            root.display(),
            counted(found.errors.len(), "error"),
            counted(folder.pages.len(), "page")
        );
    }
    if !inputs.iter().any(|page| page.id == LANDING) {
        bail!(
            "{} has no _index.md, the landing page; nothing was imported",
            root.display()
        );
    }
    let store = Store::open(database, Synchronous::Full).await?;
    let given = given.as_ref().map(|(text, _)| text.as_str());
    let outcome = operations::import(&store, given, model, &inputs, authors::IMPORT).await;
    store.close().await;
    let (version, imported) = outcome?;
    if let Some(version) = version {
        println!("applied the content model as version {version}");
    }
    println!("{}", summary(root, &imported, folder.skipped.len()));
    Ok(())
}

fn summary(root: &Path, imported: &Imported, skipped: usize) -> String {
    let pages = imported.created.len() + imported.changed.len() + imported.unchanged.len();
    let mut text = format!(
        "imported {}: {} ({} new, {} changed, {} unchanged), {} removed, {} skipped",
        root.display(),
        counted(pages, "page"),
        imported.created.len(),
        imported.changed.len(),
        imported.unchanged.len(),
        imported.deleted.len(),
        counted(skipped, "file"),
    );
    if !imported.changed.is_empty() {
        text.push_str(&format!("; changed: {}", imported.changed.join(", ")));
    }
    if !imported.deleted.is_empty() {
        text.push_str(&format!("; removed: {}", imported.deleted.join(", ")));
    }
    text
}

/// `export --site`: every stored page's file under `root`; nothing else there is touched.
pub async fn export(database: &Path, root: &Path) -> anyhow::Result<()> {
    if !database.exists() {
        bail!(
            "there is no database at {}: start the server once, or import a site",
            database.display()
        );
    }
    let store = Store::open(database, Synchronous::Full).await?;
    // Every file from the same state of the site.
    let stored = operations::site(&store).await;
    store.close().await;
    let (_, pages) = stored?;
    for page in &pages {
        let path = root.join(&page.file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        write_atomically(&path, page.export().as_bytes())?;
    }
    println!(
        "exported {} to {}",
        counted(pages.len(), "page"),
        root.display()
    );
    Ok(())
}
