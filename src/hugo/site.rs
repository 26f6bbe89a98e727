//! A Hugo `content/` folder as pages: which files are pages, and what their bodies ask for that
//! their front matter lacks.
//!
//! Any page of the site, not only the landing page: references are looked up in the front matter
//! as data, without case, as Hugo and `check FILE` look them up (a key given twice, which Hugo
//! accepts, reads as its last value).

use super::references;
use super::source::SourceError;
use super::{Finding, HugoError};
use crate::model::{Model, Page};
use std::path::Path;

/// A page file: its `id` (its path under `content/` without the extension, `/`-separated) and
/// its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePage {
    pub id: String,
    /// Its path under `content/`, `/`-separated.
    pub file: String,
    pub text: String,
}

/// A content folder: its pages (sorted by file), and the files with a page's extension that
/// have no front matter (Hugo copies those as they are; an import leaves them alone).
#[derive(Debug, Default)]
pub struct Site {
    pub pages: Vec<SitePage>,
    pub skipped: Vec<String>,
}

/// Reads every page file under `root`.
pub fn read_dir(root: &Path) -> std::io::Result<Site> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            if !super::path::EXTENSIONS.contains(&ext) {
                continue;
            }
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let file = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&path)?;
            files.push((file, text));
        }
    }
    Ok(from_files(files))
}

/// The site of these files (`/`-separated paths under `content/` with a page extension, and
/// their text): a folder read from disk, or one built into the binary.
pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Site {
    let mut site = Site::default();
    for (file, text) in files {
        if super::split(&text).is_err() {
            site.skipped.push(file);
            continue;
        }
        let id = file
            .rsplit_once('.')
            .map_or(&*file, |(stem, _)| stem)
            .to_owned();
        site.pages.push(SitePage { id, file, text });
    }
    site.pages.sort_by(|a, b| a.file.cmp(&b.file));
    site.skipped.sort();
    site
}

/// A page file read under a content model, or every problem, each with its YAML path and its
/// line in the file.
pub fn read_page(model: &Model, page: &SitePage) -> Result<Page, Vec<Finding>> {
    let file = super::PageFile::read(&page.text).map_err(HugoError::into_findings)?;
    file.page(model, &page.id)
}

/// A reference of the body to the front matter that names nothing there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dangling {
    /// The dotted key, as the body spells it.
    pub key: String,
    /// The shortcode that asks for it (`param`, `events`, …).
    pub shortcode: String,
    /// Its line in the file, 1-based.
    pub line: usize,
}

/// Every reference of `page`'s body that its front matter cannot answer, in body order: `param`
/// keys (as Hugo's strict `param` reports them) and the lists that `events`, `webinar` and
/// `makelist` loop over. Keys are compared without case, as Hugo compares page parameters
/// (the lookup `check FILE` and the write path's reference check use too).
/// References inside HTML comments count: Hugo runs shortcodes there too.
pub fn dangling(page: &SitePage) -> Result<Vec<Dangling>, SourceError> {
    let file = super::PageFile::read(&page.text).map_err(|e| SourceError {
        line: match e {
            HugoError::Syntax { line, .. } => line,
            _ => 1,
        },
        message: e.to_string(),
    })?;
    let body_at = page.text.len() - file.body.len();
    let line_of = |offset: usize| page.text[..body_at + offset].matches('\n').count() + 1;
    let mut found: Vec<Dangling> = references::all(file.body)
        .filter(|(_, key)| references::lookup(&file.data, key.as_str()).is_none())
        .map(|(shortcode, key)| Dangling {
            key: key.as_str().to_owned(),
            shortcode: shortcode.to_owned(),
            line: line_of(key.start()),
        })
        .collect();
    found.sort_by_key(|d| d.line);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_sites_dangling_references_are_the_ones_hugo_reports() {
        let root = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/site/gen3.org-d819f2a/content"
        ));
        let site = read_dir(root).unwrap();
        assert_eq!(site.pages.len(), 46);
        assert!(site.skipped.is_empty(), "{:?}", site.skipped);
        let mut params = Vec::new();
        let mut lists = Vec::new();
        for page in &site.pages {
            for d in dangling(page).unwrap() {
                let entry = format!("{}:{} {}", page.file, d.line, d.key);
                if d.shortcode == "param" {
                    params.push(entry);
                } else {
                    lists.push(format!("{} {entry}", d.shortcode));
                }
            }
        }
        // The 13 on 5 pages that Hugo's built-in strict `param` reports (site/README.md).
        assert_eq!(
            params,
            [
                "_index.md:405 g3Commons.c12.link",
                "_index.md:405 g3Commons.c12.title",
                "_index.md:406 g3Commons.c12.fig",
                "community/_index.md:86 g3Teaser.para1",
                "community/_index.md:90 g3Teaser.para2",
                "ga4gh.md:88 g3Feature.f5.title",
                "ga4gh.md:90 g3Feature.f5.detail",
                "ga4gh.md:96 g3Feature.f6.title",
                "ga4gh.md:98 g3Feature.f6.detail",
                // Inside an HTML comment, where Hugo still runs shortcodes.
                "powered-by-gen3.md:120 g3Commons.c1.link",
                "powered-by-gen3.md:120 g3Commons.c1.title",
                "powered-by-gen3.md:121 g3Commons.c1.fig",
                "products/framework-services.md:55 g3Feature.f1.para1",
            ]
        );
        // Its list is under the key `<!--- g3Upcoming`, itself an HTML comment.
        assert_eq!(lists, ["webinar community/webinars.md:83 g3Upcoming"]);
    }
}

/// The content model on the whole site (here, where the model and the site's files meet).
#[cfg(test)]
mod model_tests {
    use serde_json::Value;

    use super::read_dir;
    use crate::model::definition::Model;
    use crate::model::infer::infer;

    #[test]
    fn the_built_in_model_reads_every_page_of_the_site_and_writes_it_back_as_it_was() {
        let model = Model::built_in();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");
        let site = read_dir(std::path::Path::new(root)).unwrap();
        let mut problems = Vec::new();
        let mut sections = 0;
        for page in &site.pages {
            let (front, body) = crate::hugo::split(&page.text).unwrap();
            let data: Value = serde_yaml::from_str(front).unwrap();
            match model.read_front_matter(&page.id, &data, body) {
                Ok(read) => {
                    sections += read.sections().len();
                    assert_eq!(model.front_matter(&read), data, "{}", page.id);
                }
                Err(found) => problems.extend(
                    found
                        .into_iter()
                        .map(|e| format!("{} {} {}", page.id, e.pointer, e.detail)),
                ),
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(sections, 43);
    }

    fn pages_of(root: &str) -> Vec<(String, Value)> {
        let site = read_dir(std::path::Path::new(root)).unwrap();
        site.pages
            .iter()
            .map(|page| {
                let front = crate::hugo::split(&page.text).unwrap().0;
                (page.id.clone(), serde_yaml::from_str(front).unwrap())
            })
            .collect()
    }

    #[test]
    fn the_model_inferred_from_the_site_reads_every_page_back_as_it_was() {
        let pages = pages_of(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/site/gen3.org-d819f2a/content"
        ));
        let model = infer(&pages);
        let model = Model::parse(&serde_yaml::to_string(&model).unwrap()).unwrap();
        for (id, data) in &pages {
            let read = model
                .read_front_matter(id, data, "")
                .unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert_eq!(model.front_matter(&read), *data, "{id}");
        }
        let ids: Vec<&str> = model
            .sections
            .values()
            .map(|rule| rule.id.as_str())
            .collect();
        assert!(
            ids.contains(&"teaser") && ids.contains(&"data-feature"),
            "{ids:?}"
        );
        assert_eq!(
            model.types["commons"]
                .items
                .as_ref()
                .map(|i| i.prefix.as_str()),
            Some("c")
        );
        assert!(model.types["teaser"].fields.contains_key("button1"));
    }
}
