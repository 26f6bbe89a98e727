//! `gen3-content model show | check | apply | infer`: the content model as data.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;

use super::output::counted;
use super::site::read_model;
use crate::content::site::{self, Breakage, operations};
use crate::content::{Store, Synchronous};
use crate::hugo::site::read_dir;
use crate::model::authors;
use crate::model::infer::infer;

#[derive(Debug, Clone, Subcommand)]
pub enum ModelCommand {
    /// Print the active content model (YAML, as applied).
    Show,
    /// Check a model file, and list every stored page and pointer it would reject; changes
    /// nothing.
    Check { file: PathBuf },
    /// Check a model file and make it the active model (a new version), in one transaction;
    /// refused, with every page and pointer that would break, if stored content would not hold.
    Apply { file: PathBuf },
    /// Print a model that holds every page of a Hugo `content/` folder losslessly, as a start.
    Infer {
        #[arg(long, env = "GEN3_CONTENT_MODEL_INFER_SITE")]
        site: PathBuf,
    },
}

pub async fn run(database: &Path, command: ModelCommand) -> anyhow::Result<()> {
    match command {
        ModelCommand::Show => {
            let store = Store::open(database, Synchronous::Full).await?;
            let model = operations::model(&store).await;
            store.close().await;
            let model = model?;
            eprintln!("content model version {}", model.version);
            std::io::stdout().lock().write_all(model.text.as_bytes())?;
            Ok(())
        }
        ModelCommand::Check { file } => {
            let (_, model) = read_model(&file)?;
            let store = Store::open(database, Synchronous::Full).await?;
            let stored = operations::site(&store).await;
            store.close().await;
            let (_, pages) = stored?;
            let broken = site::breakages(&model, &pages);
            report(&file, &broken)?;
            println!(
                "{}: every one of {} holds under it",
                file.display(),
                counted(pages.len(), "stored page")
            );
            Ok(())
        }
        ModelCommand::Apply { file } => {
            let (text, model) = read_model(&file)?;
            let store = Store::open(database, Synchronous::Full).await?;
            let applied = operations::apply(&store, &text, &model, authors::MODEL_APPLY).await;
            store.close().await;
            match applied? {
                Ok(version) => {
                    println!(
                        "applied {} as content model version {version}",
                        file.display()
                    );
                    Ok(())
                }
                // Nothing changed.
                Err(broken) => report(&file, &broken),
            }
        }
        ModelCommand::Infer { site } => {
            let folder = read_dir(&site)
                .with_context(|| format!("cannot read the content folder {}", site.display()))?;
            let mut pages = Vec::new();
            for page in &folder.pages {
                let file = crate::hugo::PageFile::read(&page.text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", page.file))?;
                pages.push((page.id.clone(), file.data));
            }
            let model = infer(&pages);
            std::io::stdout()
                .lock()
                .write_all(serde_yaml::to_string(&model)?.as_bytes())?;
            Ok(())
        }
    }
}

/// One line per breakage; an error if there is any.
fn report(file: &Path, broken: &[Breakage]) -> anyhow::Result<()> {
    if broken.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for b in broken {
        writeln!(out, "error: {} {}: {}", b.page, b.pointer, b.detail)?;
    }
    out.flush()?;
    let pages: std::collections::BTreeSet<&str> = broken.iter().map(|b| b.page.as_str()).collect();
    bail!(
        "{} would break stored content: {} on {}; nothing was changed",
        file.display(),
        counted(broken.len(), "error"),
        counted(pages.len(), "page")
    )
}
