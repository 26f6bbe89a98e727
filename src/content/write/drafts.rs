//! Writes into a change set: the change set holds them, and its view of the page is what
//! publishing it would make.

use super::*;

impl Writer<'_> {
    /// The write of [`Self::write`] into the change set this writer writes into: the change set
    /// holds it.
    pub(super) async fn write_draft<E>(
        &self,
        id: &str,
        target: Target<'_>,
        precondition: &IfMatch,
        author: &str,
        mut change: impl FnMut(&Model, &Stored) -> Result<Page, E>,
    ) -> Result<Arc<PageSnapshot>, E>
    where
        E: From<WriteError>,
    {
        let mut tx = self.store.begin_write().await.map_err(WriteError::from)?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        let current = current.ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        check(&current, target, precondition)?;
        let stored = current.stored();
        let model = current.model().clone();
        let next = change(&model, stored)?;
        if next == stored.page {
            return Ok(current);
        }
        validate(&model, &current, &next, target)?;
        if hugo::url::published(&stored.file, &next.meta) != current.url() {
            self.url_free(set.as_ref(), id, &stored.file, &next.meta)?;
        }
        let set = set.ok_or_else(|| {
            WriteError::Internal(anyhow::anyhow!("a draft goes into a change set"))
        })?;
        let snapshot = self
            .put_draft(tx, set, (id, &stored.file, None), Some(next), author)
            .await?
            .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        Ok(snapshot)
    }

    /// Page `id` where this writer writes (live, or in its change set's view), with the change
    /// set if it writes into one (`409` unless it is open).
    pub(super) async fn in_place(
        &self,
        tx: &mut Connection,
        id: &str,
    ) -> Result<(Option<Arc<PageSnapshot>>, Option<ChangeSet>), WriteError> {
        let live = self.current(tx, id).await?;
        let Destination::ChangeSet(set) = self.into else {
            return Ok((live, None));
        };
        let set = open_change_set(tx, set).await?;
        let Some(draft) = set.draft(id) else {
            return Ok((live, Some(set)));
        };
        let model = self.read.load().model().clone();
        let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
        let page = match view.value {
            None => None,
            Some(value) => Some(change_sets::view_snapshot(
                &model,
                draft,
                live.as_ref(),
                merge::from_value(&model, &value).map_err(|e| WriteError::Invalid(e.into_vec()))?,
            )),
        };
        Ok((page, Some(set)))
    }

    /// Makes page `id` `page` (`None`: deleted) in change set `set`, inside `tx`, and commits:
    /// what the change set makes of the page is the write's changes onto what it had. `at` is the
    /// page's id, its file, and (for a page created in a format of its own) the file's text to
    /// keep. Returns the page as it now is in the change set's view.
    pub(super) async fn put_draft(
        &self,
        mut tx: Tx<'_>,
        set: ChangeSet,
        (id, file, source): (&str, &str, Option<&str>),
        page: Option<Page>,
        author: &str,
    ) -> Result<Option<Arc<PageSnapshot>>, WriteError> {
        let model = self.read.load().model().clone();
        let live = self.current(&mut tx, id).await?;
        let now = Timestamp::now();
        let next = page.as_ref().map(merge::to_value);
        let (base_revision, base, draft) = match set.draft(id) {
            Some(draft) => {
                // What the write changed in the view, applied to what the change set had.
                let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
                let (draft_value, _) =
                    merge::merge(id, view.value.as_ref(), draft.draft.as_ref(), next.as_ref());
                (draft.base_revision, draft.base.clone(), draft_value)
            }
            None => (
                live.as_ref().map(|p| p.stored().revision),
                live.as_ref().map(|p| merge::to_value(&p.stored().page)),
                next,
            ),
        };
        let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        storage::change_sets::put_page(
            &mut tx,
            &storage::change_sets::PageRow {
                change_set: set.id,
                page_id: id.to_owned(),
                file: file.to_owned(),
                base_revision,
                base: json(&base),
                draft: json(&draft),
                updated_by: author.to_owned(),
                updated_at: now.to_rfc3339(),
                source: source
                    .map(str::to_owned)
                    .or_else(|| set.draft(id).and_then(|d| d.source.clone())),
            },
        )
        .await?;
        storage::change_sets::touch(&mut tx, set.id).await?;
        let set = ChangeSet::load(&mut tx, set.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("change set {} went away", set.id))?;
        tx.commit().await?;
        let view = set
            .draft(id)
            .map(|d| ChangeSet::page_view(d, live.as_ref().map(|p| p.stored())));
        let snapshot = match (set.draft(id), view.and_then(|v| v.value)) {
            (Some(draft), Some(value)) => Some(change_sets::view_snapshot(
                &model,
                draft,
                live.as_ref(),
                merge::from_value(&model, &value).map_err(|e| WriteError::Invalid(e.into_vec()))?,
            )),
            _ => None,
        };
        self.read.change_sets.put(set.id, Some(set));
        Ok(snapshot)
    }
}
