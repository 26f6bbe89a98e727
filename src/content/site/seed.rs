//! What a new database starts with: the bundled Gen3 site (every page of
//! `site/gen3.org-d819f2a/content`, built into the binary), a `content/` folder named by
//! `--seed-site`, or one landing page named by `--seed`. It is read and checked under the
//! built-in model before the database is touched, by the code `import --site` runs, and stored
//! only into an empty database.

use std::path::Path;

use anyhow::{Context, bail};

use crate::content::read::stored as store;
use crate::content::site::{self, PageInput, read_site};
use crate::hugo;
use crate::model::Model;
use crate::model::authors;
use crate::storage::Store;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_site.rs"));
}

/// The project's copy of the Gen3 landing page (`_index.md` of the bundled site).
pub const BUILT_IN: &str = include_str!("../../../seed/about.md");

/// Where the seed comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The site built into the binary.
    Bundled,
    /// A Hugo `content/` folder.
    Site(&'a Path),
    /// One page file, the landing page.
    Page(&'a Path),
}

/// The seed's pages, read and checked, ready to store.
pub struct Seed {
    pub pages: Vec<PageInput>,
}

/// Reads and checks the seed under the built-in model; errors name the file, the path in its
/// front matter and the line, as `import --site` does.
pub fn load(source: Source<'_>) -> anyhow::Result<Seed> {
    let model = Model::built_in();
    let (name, folder) = match source {
        Source::Bundled => (
            "the bundled site".to_owned(),
            hugo::site::from_files(
                bundled::FILES
                    .iter()
                    .map(|(file, text)| ((*file).to_owned(), (*text).to_owned())),
            ),
        ),
        Source::Site(root) => (
            root.display().to_string(),
            hugo::site::read_dir(root)
                .with_context(|| format!("cannot read the seed site {}", root.display()))?,
        ),
        Source::Page(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the seed {}", path.display()))?;
            let page = hugo::parse_page(&text, &model, store::LANDING)
                .with_context(|| format!("{} is not a valid page", path.display()))?;
            return Ok(Seed {
                pages: vec![PageInput {
                    id: store::LANDING.to_owned(),
                    file: store::LANDING_FILE.to_owned(),
                    source: Some(text),
                    page,
                }],
            });
        }
    };
    let (pages, found) = read_site(&model, &folder.pages, false);
    if let Some(first) = found.errors.first() {
        bail!(
            "{name} cannot seed a database: {} error(s), the first: {first}",
            found.errors.len()
        );
    }
    if !pages.iter().any(|page| page.id == store::LANDING) {
        bail!("{name} has no _index.md, the landing page: it cannot seed a database");
    }
    Ok(Seed { pages })
}

/// Stores the seed's pages if, and only if, the database holds nothing yet, and the built-in
/// content model if it holds none (a new database, or one from a release before the model);
/// one transaction. Returns how many pages it seeded.
pub async fn seed_if_empty(database: &Store, seed: &Seed) -> anyhow::Result<usize> {
    // IMMEDIATE: two servers starting on one new file must not both seed it.
    let mut tx = database.begin_write().await?;
    let empty = store::is_empty(&mut tx).await?;
    let model = site::active_model(&mut tx).await?.model;
    let seeded = if empty {
        site::import_pages(&mut tx, (&model, &model), &seed.pages, authors::SEED, false)
            .await?
            .created
            .len()
    } else {
        0
    };
    tx.commit().await?;
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_site_is_every_page_of_the_seed_revision() {
        let seed = load(Source::Bundled).unwrap();
        assert_eq!(seed.pages.len(), 46);
        let landing = seed.pages.iter().find(|p| p.id == store::LANDING).unwrap();
        assert_eq!(landing.source.as_deref(), Some(BUILT_IN));
    }
}
