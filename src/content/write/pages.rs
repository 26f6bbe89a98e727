//! Pages made and removed: a new page (live, or in a change set) and a page's deletion.

use super::*;

impl Writer<'_> {
    /// Creates page `id` from file `file` (its path under `content/`), or brings a deleted page
    /// back as `page`, where this writer writes; `409` if it is part of the site there. With
    /// `format`, the page's file is written afresh in it and kept, so that exports keep it
    /// (live only: a change set keeps pages as data, and publishes them as YAML).
    pub async fn create(
        &self,
        id: &str,
        file: &str,
        page: &Page,
        format: Option<hugo::Format>,
        author: &str,
    ) -> Result<Arc<PageSnapshot>, WriteError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        if current.is_some() {
            return Err(WriteError::Conflict(format!(
                "page {id:?} exists: write to it, or delete it first"
            )));
        }
        if let Some(other) = storage::page::with_file(&mut tx, file).await?
            && other != id
        {
            return Err(WriteError::Conflict(format!(
                "the file {file:?} is page {other:?}'s"
            )));
        }
        let site = self.read.load_full();
        let model = site.model().clone();
        self.url_free(set.as_ref(), id, file, &page.meta)?;
        let mut errors = Errors::default();
        model.check_metadata(id, &page.meta, &mut errors);
        let mut errors = errors.into_vec();
        errors.extend(missing_sections(&model, id, page));
        if !errors.is_empty() {
            return Err(WriteError::Invalid(errors));
        }
        let dangling = dangling(&model, page, |_| false);
        if !dangling.is_empty() {
            return Err(WriteError::References(body_errors(
                &model, page, None, &dangling,
            )));
        }
        let source =
            format.map(|format| hugo::write_file(format, &model.front_matter(page), &page.body));
        let source = source.as_deref();
        let snapshot = match set {
            Some(set) => self
                .put_draft(tx, set, (id, file, source), Some(page.clone()), author)
                .await?
                .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?,
            None => {
                // A page deleted before comes back with its history.
                let was = store::load_any(&mut tx, &model, id).await?;
                drop(tx);
                let before = match &was {
                    Some((stored, deleted)) => Before::Stored {
                        page: stored,
                        deleted: *deleted,
                    },
                    None => Before::New,
                };
                let change = PageChange {
                    id,
                    file,
                    before,
                    after: Some(page),
                    source,
                };
                let name = live_name(&format!("new page {id}"));
                let mut pages = self.commit_live(&name, author, &[change], &lock).await?;
                pages
                    .pop()
                    .and_then(|p| p.snapshot)
                    .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?
            }
        };
        self.metrics.write("page", true);
        Ok(snapshot)
    }

    /// Deletes page `id` if `precondition` holds for it, where this writer writes; its history
    /// stays.
    pub async fn delete(
        &self,
        id: &str,
        precondition: &IfMatch,
        author: &str,
    ) -> Result<(), WriteError> {
        if id == LANDING {
            return Err(WriteError::Conflict(
                "the landing page (_index) is the site's home: it cannot be deleted".to_owned(),
            ));
        }
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        let current = current.ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        check(&current, Target::Page, precondition)?;
        let site = match &set {
            Some(set) => ChangeSets::view_of(set, &self.read.load_full())?,
            None => self.read.load_full(),
        };
        let linked = links_to(&site, id);
        if !linked.is_empty() {
            return Err(WriteError::References(linked));
        }
        let stored = current.stored();
        match set {
            Some(set) => {
                self.put_draft(tx, set, (id, &stored.file, None), None, author)
                    .await?;
            }
            None => {
                drop(tx);
                let change = PageChange::of_stored(stored, None);
                let name = live_name(&format!("deleted page {id}"));
                self.commit_live(&name, author, &[change], &lock).await?;
            }
        }
        self.metrics.write("page", true);
        Ok(())
    }
}
