//! `gen3-content import | export | check`: the page as a Hugo page file on disk.
//!
//! Findings go to stdout, one per line (`warning: …`, `error: …`), so that they can be read,
//! grepped or diffed; the one-line reason for a failure goes to stderr, as for every command.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use sqlx::Connection;

use crate::content::store::{self, Replaced};
use crate::hugo::{self, Finding, Report};
use crate::model::{Page, SectionId};
use crate::storage::db;

/// The author of the revisions an import writes.
pub const AUTHOR: &str = "import";

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The Hugo page file (YAML front matter, then the HTML body).
    pub file: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Write the page to this file (replaced atomically) instead of stdout.
    #[arg(long, short, env = "GEN3_CONTENT_EXPORT_OUTPUT")]
    pub output: Option<PathBuf>,
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
    /// Treat warnings (dangling `param` references, unused fields) as errors.
    #[arg(long, env = "GEN3_CONTENT_CHECK_STRICT")]
    pub strict: bool,
}

/// `check`: every finding on stdout; fails on errors, and on warnings with `--strict`.
pub fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let file = match (&args.file, &args.site) {
        (_, Some(site)) => return check_site(site, args.strict),
        (Some(file), None) => file,
        (None, None) => bail!("name a page file, or a content folder with --site"),
    };
    let report = read_and_check(file)?;
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

/// `check --site`: one line per finding, `FILE:LINE: KEY: …`, and one per file skipped; fails on
/// front matter that cannot be read, and on dangling references with `--strict`.
fn check_site(root: &Path, strict: bool) -> anyhow::Result<()> {
    let site = hugo::site::read_dir(root)
        .with_context(|| format!("cannot read the content folder {}", root.display()))?;
    let mut out = std::io::stdout().lock();
    let (mut errors, mut warnings) = (0, 0);
    for file in &site.skipped {
        writeln!(out, "skipped: {file}: no front matter, not a page")?;
    }
    for page in &site.pages {
        match hugo::site::dangling(page) {
            Err(e) => {
                errors += 1;
                writeln!(out, "error: {}:{}: {}", page.file, e.line, e.message)?;
            }
            Ok(dangling) => {
                for d in dangling {
                    let level = if strict { "error" } else { "warning" };
                    let what = match d.shortcode.as_str() {
                        "param" => "referenced by the body, missing from the front matter",
                        _ => "a list the body loops over, missing from the front matter",
                    };
                    writeln!(
                        out,
                        "{level}: {}:{}: {}: {what} ({})",
                        page.file, d.line, d.key, d.shortcode
                    )?;
                    if strict {
                        errors += 1;
                    } else {
                        warnings += 1;
                    }
                }
            }
        }
    }
    if errors > 0 {
        out.flush()?;
        bail!(
            "{}: {} in {}",
            root.display(),
            counted(errors, "error"),
            counted(site.pages.len(), "page")
        );
    }
    writeln!(
        out,
        "checked {}: {}, {} skipped",
        counted(site.pages.len(), "page"),
        counted(warnings, "warning"),
        counted(site.skipped.len(), "file")
    )?;
    out.flush()?;
    Ok(())
}

/// `import`: the warnings on stdout, then the page stored in one transaction, then what
/// changed. On any error nothing is written.
pub async fn import(database: &Path, args: &ImportArgs) -> anyhow::Result<()> {
    let text = read(&args.file)?;
    let report = hugo::check_page(&text);
    print_findings(&report.errors, &report.warnings)?;
    let Some(page) = report.page else {
        bail!(
            "{} is not a valid page: {}; nothing was imported",
            args.file.display(),
            counted(report.errors.len(), "error")
        );
    };
    let replaced = store_page(database, &page, &text).await?;
    println!("{}", summary(&args.file, &replaced));
    Ok(())
}

/// Replaces the stored page with `page`, read from `text`, in one `BEGIN IMMEDIATE` transaction.
async fn store_page(database: &Path, page: &Page, text: &str) -> anyhow::Result<Replaced> {
    // An import is rare and replaces everything: always the most durable setting.
    let pool = db::connect(database, db::Synchronous::Full).await?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let replaced = store::replace_page(&mut tx, page, text, AUTHOR).await?;
    tx.commit().await?;
    drop(conn);
    pool.close().await;
    Ok(replaced)
}

/// `export`: the stored page as a Hugo page file, on stdout or into `--output`.
pub async fn export(database: &Path, args: &ExportArgs) -> anyhow::Result<()> {
    if !database.exists() {
        bail!(
            "there is no database at {}: start the server once, or import a page",
            database.display()
        );
    }
    let pool = db::connect(database, db::Synchronous::Full).await?;
    let stored = store::load(&mut *pool.acquire().await?).await?;
    pool.close().await;
    let text = hugo::export_page(&stored.page, stored.source.as_deref());
    match &args.output {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to stdout"),
        Some(path) => write_atomically(path, text.as_bytes()),
    }
}

/// Writes `bytes` to a new file beside `path` and renames it over `path`, so that a reader
/// (a Hugo build watching the file) never sees half a page.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn read_and_check(file: &Path) -> anyhow::Result<Report> {
    Ok(hugo::check_page(&read(file)?))
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn print_findings(errors: &[Finding], warnings: &[Finding]) -> anyhow::Result<()> {
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
        return format!("imported {file}: stored the page and its nine sections as revision 1");
    }
    let unchanged = SectionId::ALL.len() - replaced.changed.len();
    let page = if replaced.page_changed {
        "changed"
    } else {
        "unchanged"
    };
    if replaced.changed.is_empty() {
        return format!("imported {file}: no section changed; page metadata and body {page}");
    }
    let names: Vec<&str> = replaced.changed.iter().map(|id| id.as_str()).collect();
    format!(
        "imported {file}: new revision of {} ({}), {unchanged} unchanged; page metadata and body {page}",
        counted(names.len(), "section"),
        names.join(", "),
    )
}

fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
