//! A preview that is the real site: a change set's view of every page written out as the site's
//! `content/`, built by Hugo with the site team's own checkout (`--hugo-site`: its config,
//! layouts and assets), and served from the build. A build is reused while neither the change
//! set nor the live site changes; builds of different change sets go one at a time, so that
//! Hugo never runs twice at once on a small machine.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex;

use crate::content::read::site::Site;

/// Where the site's Hugo checkout is, and how to run Hugo on it.
#[derive(Debug, Clone)]
pub struct HugoSite {
    pub dir: PathBuf,
    /// `--config` for Hugo (its default config files of the checkout if `None`).
    pub config: Option<String>,
    pub hugo: PathBuf,
}

/// A finished build: the view it was built from (held, so that its identity stays unique
/// while it is the key), and Hugo's output.
struct Build {
    view: Arc<Site>,
    dir: tempfile::TempDir,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("Hugo could not build the preview: {0}")]
    Build(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The previews built so far, by change set.
pub struct Previews {
    site: HugoSite,
    builds: Mutex<HashMap<i64, Build>>,
}

impl Previews {
    pub fn new(site: HugoSite) -> Self {
        Self {
            site,
            builds: Mutex::new(HashMap::new()),
        }
    }

    /// The file `path` (a URL path under the site, `products/workspaces/`) of change set `id`'s
    /// preview, built from `view` unless the build for it is current; `None` if the site has
    /// no such file. Returns the bytes and the file's path (for its type).
    pub async fn file(
        &self,
        id: i64,
        view: &Arc<Site>,
        path: &str,
    ) -> Result<Option<(Vec<u8>, PathBuf)>, PreviewError> {
        let mut builds = self.builds.lock().await;
        let current = builds.get(&id).is_some_and(|b| Arc::ptr_eq(&b.view, view));
        if !current {
            let started = Instant::now();
            let dir = self.build(id, view).await?;
            tracing::info!(
                change_set = id,
                ms = started.elapsed().as_millis() as u64,
                "built a preview"
            );
            builds.insert(
                id,
                Build {
                    view: view.clone(),
                    dir,
                },
            );
        }
        let public = builds[&id].dir.path().join("public");
        let Some(file) = locate(&public, path) else {
            return Ok(None);
        };
        Ok(Some((tokio::fs::read(&file).await?, file)))
    }

    /// Writes every page of `view` as `content/` and runs Hugo on the checkout with it.
    async fn build(&self, id: i64, view: &Site) -> Result<tempfile::TempDir, PreviewError> {
        let dir = tempfile::tempdir()?;
        let content = dir.path().join("content");
        for page in view.pages().values() {
            let file = content.join(page.stored().file.as_ref());
            if let Some(parent) = file.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::write(&file, page.file_text().as_bytes()).await?;
        }
        let mut hugo = tokio::process::Command::new(&self.site.hugo);
        hugo.arg("--source")
            .arg(&self.site.dir)
            .arg("--contentDir")
            .arg(&content)
            .arg("--destination")
            .arg(dir.path().join("public"))
            .arg("--cacheDir")
            .arg(dir.path().join("cache"))
            .args(["--noBuildLock", "--quiet", "--buildDrafts", "--baseURL"])
            .arg(format!("/preview/{id}/"));
        if let Some(config) = &self.site.config {
            hugo.arg("--config").arg(config);
        }
        let out = hugo
            .output()
            .await
            .map_err(|e| PreviewError::Build(format!("cannot run {:?}: {e}", self.site.hugo)))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first: Vec<&str> = stderr.lines().take(5).collect();
            return Err(PreviewError::Build(first.join(" / ")));
        }
        Ok(dir)
    }
}

/// The file under `public` that URL path `path` names: a page's `index.html` for a directory;
/// nothing outside `public` (no `..`, no absolute parts).
fn locate(public: &Path, path: &str) -> Option<PathBuf> {
    let mut file = public.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_under_public_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        std::fs::create_dir_all(public.join("products/workspaces")).unwrap();
        std::fs::write(public.join("index.html"), "home").unwrap();
        std::fs::write(public.join("products/workspaces/index.html"), "ws").unwrap();
        std::fs::write(dir.path().join("secret"), "no").unwrap();
        assert_eq!(locate(&public, ""), Some(public.join("index.html")));
        assert_eq!(
            locate(&public, "products/workspaces/"),
            Some(public.join("products/workspaces/index.html"))
        );
        assert_eq!(locate(&public, "../secret"), None);
        assert_eq!(locate(&public, "products/../../secret"), None);
        assert_eq!(locate(&public, "missing/"), None);
    }
}
