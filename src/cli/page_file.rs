//! `gen3-content import | export | check`: the page as a Hugo page file on disk.
//!
//! Findings go to stdout, one per line (`warning: …`, `error: …`), so that they can be read,
//! grepped or diffed; the one-line reason for a failure goes to stderr, as for every command.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use super::output::{counted, write_atomically};
use crate::content::read::stored::{self as store, LANDING};
use crate::content::site::{self, operations};
use crate::content::write::plan::Replaced;
use crate::content::{Store, Synchronous};
use crate::hugo::{self, Finding, Report};
use crate::model::Page;
use crate::model::authors;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The Hugo page file (YAML front matter, then the HTML body).
    #[arg(required_unless_present = "site", conflicts_with = "site")]
    pub file: Option<PathBuf>,
    /// Import every page of this Hugo `content/` folder instead, in one transaction: new,
    /// changed and removed pages (unchanged ones get no revision); files without front matter
    /// are skipped and named.
    #[arg(long, env = "GEN3_CONTENT_IMPORT_SITE")]
    pub site: Option<PathBuf>,
    /// With `--site`: apply this content model in the same transaction.
    #[arg(long, requires = "site", env = "GEN3_CONTENT_IMPORT_MODEL")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Write the page to this file (replaced atomically) instead of stdout.
    #[arg(
        long,
        short,
        env = "GEN3_CONTENT_EXPORT_OUTPUT",
        conflicts_with = "site"
    )]
    pub output: Option<PathBuf>,
    /// Write every page file of the site under this folder instead (each replaced
    /// atomically); no other file is touched.
    #[arg(long, env = "GEN3_CONTENT_EXPORT_SITE")]
    pub site: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The Hugo page file to check.
    #[arg(required_unless_present = "site", conflicts_with = "site")]
    pub file: Option<PathBuf>,
    /// Check every page of this Hugo `content/` folder instead: the references of each body
    /// that its front matter cannot answer (`param`, and the lists `events`, `webinar` and
    /// `makelist` loop over), with file and line, as Hugo's strict `param` reports them.
    #[arg(long, env = "GEN3_CONTENT_CHECK_SITE")]
    pub site: Option<PathBuf>,
    /// With `--site`: check the pages against this content model instead of the database's
    /// (or, without a database, the built-in one).
    #[arg(long, requires = "site", env = "GEN3_CONTENT_CHECK_MODEL")]
    pub model: Option<PathBuf>,
    /// Treat warnings (dangling `param` references, unused fields) as errors.
    #[arg(long, env = "GEN3_CONTENT_CHECK_STRICT")]
    pub strict: bool,
}

/// `check`: every finding on stdout; fails on errors, and on warnings with `--strict`.
pub async fn check(database: &Path, args: &CheckArgs) -> anyhow::Result<()> {
    let file = match (&args.file, &args.site) {
        (_, Some(site)) => {
            return super::site::check(database, site, args.model.as_deref(), args.strict).await;
        }
        (Some(file), None) => file,
        (None, None) => bail!("name a page file, or a content folder with --site"),
    };
    let report = read_and_check(database, file).await?;
    let (errors, warnings) = if args.strict {
        let mut all = report.errors;
        all.extend(report.warnings);
        (all, Vec::new())
    } else {
        (report.errors, report.warnings)
    };
    print_findings(&errors, &warnings)?;
    if !errors.is_empty() {
        bail!(
            "{} is not a valid page: {}",
            file.display(),
            counted(errors.len(), "error")
        );
    }
    Ok(())
}

/// `import`: the warnings on stdout, then the page stored in one transaction, then what
/// changed. On any error nothing is written.
pub async fn import(database: &Path, args: &ImportArgs) -> anyhow::Result<()> {
    let file = match (&args.file, &args.site) {
        (_, Some(site)) => return super::site::import(database, site, args.model.as_deref()).await,
        (Some(file), None) => file,
        (None, None) => bail!("name a page file, or a content folder with --site"),
    };
    let text = read(file)?;
    let model = super::site::model_of(database).await?;
    let report = hugo::check_page(&text, &model.model, LANDING);
    print_findings(&report.errors, &report.warnings)?;
    let Some(page) = report.page else {
        bail!(
            "{} is not a valid page: {}; nothing was imported",
            file.display(),
            counted(report.errors.len(), "error")
        );
    };
    let replaced = store_page(database, &page, &text).await?;
    println!("{}", summary(file, &replaced));
    Ok(())
}

/// Replaces the stored landing page with `page`, read from `text`, in one `BEGIN IMMEDIATE`
/// transaction.
async fn store_page(database: &Path, page: &Page, text: &str) -> anyhow::Result<Replaced> {
    // An import is rare and replaces everything: always the most durable setting.
    let store = Store::open(database, Synchronous::Full).await?;
    let input = site::PageInput {
        id: LANDING.to_owned(),
        file: store::LANDING_FILE.to_owned(),
        page: page.clone(),
        source: Some(text.to_owned()),
    };
    let replaced = operations::import_one(&store, &input, authors::IMPORT).await;
    store.close().await;
    replaced
}

/// `export`: the stored page as a Hugo page file, on stdout or into `--output`.
pub async fn export(database: &Path, args: &ExportArgs) -> anyhow::Result<()> {
    if let Some(site) = &args.site {
        return super::site::export(database, site).await;
    }
    if !database.exists() {
        bail!(
            "there is no database at {}: start the server once, or import a page",
            database.display()
        );
    }
    let store = Store::open(database, Synchronous::Full).await?;
    let landing = operations::landing(&store).await;
    store.close().await;
    let (model, stored) = landing?;
    let stored =
        stored.ok_or_else(|| anyhow::anyhow!("the database holds no landing page ({LANDING})"))?;
    let text = hugo::export_page(&stored.page, stored.source.as_deref(), &model);
    match &args.output {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to stdout"),
        Some(path) => write_atomically(path, text.as_bytes()),
    }
}

async fn read_and_check(database: &Path, file: &Path) -> anyhow::Result<Report> {
    let model = super::site::model_of(database).await?;
    Ok(hugo::check_page(&read(file)?, &model.model, LANDING))
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

pub fn print_findings(errors: &[Finding], warnings: &[Finding]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for finding in errors {
        writeln!(out, "error: {finding}")?;
    }
    for finding in warnings {
        writeln!(out, "warning: {finding}")?;
    }
    out.flush()?;
    Ok(())
}

fn summary(file: &Path, replaced: &Replaced) -> String {
    let file = file.display();
    if replaced.created {
        return format!(
            "imported {file}: stored the page and its {} as revision 1",
            counted(replaced.changed.len(), "section")
        );
    }
    let unchanged = replaced.unchanged;
    let page = if replaced.page_changed {
        "changed"
    } else {
        "unchanged"
    };
    if replaced.changed.is_empty() {
        return format!("imported {file}: no section changed; page metadata and body {page}");
    }
    let names: Vec<&str> = replaced.changed.iter().map(String::as_str).collect();
    format!(
        "imported {file}: new revision of {} ({}), {unchanged} unchanged; page metadata and body {page}",
        counted(names.len(), "section"),
        names.join(", "),
    )
}
