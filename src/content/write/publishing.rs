//! Change sets published (now, or at their time by the scheduler) and the change set's own
//! lifecycle: made, scheduled, discarded.

use super::*;

impl Writer<'_> {
    /// Publishes open change set `set` by `author`: in one transaction, every page it touches
    /// becomes what it makes of it merged with what changed live since it took its copy, as a
    /// page revision that names it. Fields both changed refuse the publish (`Conflicts`, one
    /// per field); so does a merged page that is not valid, as a live write would be. Nothing
    /// changes unless everything does.
    pub async fn publish(&self, set: i64, author: &str) -> Result<Vec<Published>, PublishError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let set = open_change_set(&mut tx, set).await?;
        self.publish_in(tx, set, author, None, &lock).await
    }

    /// Publishes change set `id` if it is still open and scheduled at or before now: what the
    /// scheduler does. Whether it is due is decided inside the publishing transaction, so that
    /// of two servers on one file (or a server and an editor rescheduling it) exactly one
    /// publishes it. Returns how late it was published (ms after its time), or `None` if it was
    /// not due any more (published, discarded, rescheduled or unscheduled meanwhile).
    pub async fn publish_due(&self, id: i64) -> Result<Option<i64>, PublishError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let Some(set) = ChangeSet::load(&mut tx, id).await? else {
            return Ok(None);
        };
        let now = std::time::SystemTime::now();
        let due = set
            .publish_at
            .filter(|_| set.state == State::Open)
            .filter(|at| at.to_system_time() <= now);
        let Some(at) = due else {
            return Ok(None);
        };
        let late = now
            .duration_since(at.to_system_time())
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let author = set
            .scheduled_by
            .clone()
            .unwrap_or_else(|| set.created_by.clone());
        self.publish_in(tx, set, &author, Some(late), &lock).await?;
        Ok(Some(late))
    }

    /// Records that change set `id`'s scheduled publish was refused (`why`), and unschedules
    /// it: it stays open, for an editor to resolve and schedule again.
    pub async fn schedule_failed(&self, id: i64, why: &str) -> Result<(), WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        storage::change_sets::schedule_failed(&mut tx, id, why).await?;
        let set = ChangeSet::load(&mut tx, id).await?;
        tx.commit().await?;
        self.read.change_sets.put(id, set);
        Ok(())
    }

    /// Schedules open change set `id` to be published at `at` (`None`: not at all), by
    /// `author`; returns it as it now is.
    pub async fn schedule(
        &self,
        id: i64,
        at: Option<Timestamp>,
        author: &str,
    ) -> Result<ChangeSet, WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        open_change_set(&mut tx, id).await?;
        let at = at.map(Timestamp::to_rfc3339);
        storage::change_sets::schedule(&mut tx, id, at.as_deref(), author).await?;
        let set = ChangeSet::load(&mut tx, id)
            .await?
            .ok_or(WriteError::missing(Missing::ChangeSet(id)))?;
        tx.commit().await?;
        self.read.change_sets.put(id, Some(set.clone()));
        Ok(set)
    }

    /// Publishes `set` inside `tx` (see [`Self::publish`]); `late`: the scheduler's, that late.
    pub(super) async fn publish_in(
        &self,
        mut tx: Tx<'_>,
        set: ChangeSet,
        author: &str,
        late: Option<i64>,
        lock: &MutexGuard<'_, ()>,
    ) -> Result<Vec<Published>, PublishError> {
        if set.pages.is_empty() {
            // Published, it would announce a change to webhooks and the feed that changed
            // nothing, and close a change set an editor may still mean to fill.
            return Err(WriteError::Conflict(format!(
                "change set {} has no changes: there is nothing to publish (write into it \
                 first, or discard it)",
                set.id
            ))
            .into());
        }
        let site = self.read.load_full();
        let model = site.model().clone();
        let mut conflicts = Vec::new();
        let mut pages = Vec::with_capacity(set.pages.len());
        let mut deleted = Vec::new();
        for draft in &set.pages {
            let live = self.current(&mut tx, &draft.page).await?;
            let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
            conflicts.extend(view.conflicts);
            let page = match view.value {
                None => {
                    deleted.push(draft.page.clone());
                    None
                }
                Some(value) => {
                    let page = merge::from_value(&model, &value)
                        .map_err(|e| WriteError::Invalid(prefixed(&draft.page, e.into_vec())))?;
                    match &live {
                        Some(live) => validate(&model, live, &page, Target::Page)
                            .map_err(|e| in_page(&draft.page, e))?,
                        None => {
                            let mut errors = Errors::default();
                            model.check_metadata(&draft.page, &page.meta, &mut errors);
                            let mut errors = errors.into_vec();
                            errors.extend(missing_sections(&model, &draft.page, &page));
                            if !errors.is_empty() {
                                return Err(
                                    WriteError::Invalid(prefixed(&draft.page, errors)).into()
                                );
                            }
                        }
                    }
                    Some(page)
                }
            };
            let file = live
                .as_ref()
                .map_or(draft.file.clone(), |p| p.stored().file.to_string());
            if page.is_some() || live.is_some() {
                // Only a page the change set creates takes its file's text from it, and only
                // such a page may have been deleted before (it comes back with its history).
                let (source, was) = match &live {
                    Some(live) => (None, Some((live.stored().clone(), false))),
                    None => (
                        draft.source.clone(),
                        store::load_any(&mut tx, &model, &draft.page).await?,
                    ),
                };
                pages.push((draft.page.clone(), file, page, source, was));
            }
        }
        if !conflicts.is_empty() {
            return Err(PublishError::Conflicts(conflicts));
        }
        if !deleted.is_empty() {
            let after = ChangeSets::view_of(&set, &site)?;
            for id in &deleted {
                if id == LANDING {
                    return Err(WriteError::Conflict(
                        "the landing page (_index) cannot be deleted".to_owned(),
                    )
                    .into());
                }
                let linked = links_to(&after, id);
                if !linked.is_empty() {
                    return Err(WriteError::References(prefixed(id, linked)).into());
                }
            }
        }
        let changes: Vec<PageChange<'_>> = pages
            .iter()
            .map(|(id, file, page, source, was)| PageChange {
                id,
                file,
                before: match was {
                    Some((stored, deleted)) => Before::Stored {
                        page: stored,
                        deleted: *deleted,
                    },
                    None => Before::New,
                },
                after: page.as_ref(),
                source: source.as_deref(),
            })
            .collect();
        let by = Publisher {
            set: ChangeSetRef::Existing(set.id),
            name: &set.name,
            author,
        };
        let committed = commit(&mut tx, by, &model, &changes, &|id| site.page(id).cloned()).await?;
        let now = Timestamp::now().to_rfc3339();
        storage::change_sets::set_published(&mut tx, set.id, author, &now).await?;
        if let Some(late) = late {
            storage::change_sets::set_late(&mut tx, set.id, late).await?;
        }
        tx.commit().await?;
        let published = self
            .published(committed, lock)?
            .into_iter()
            .map(|p| (p.id, p.snapshot))
            .collect();
        self.read.change_sets.put(set.id, None);
        self.metrics.write("change_set", true);
        Ok(published)
    }

    /// A new, empty change set named `name`, by `author`.
    pub async fn create_change_set(
        &self,
        name: &str,
        author: &str,
    ) -> Result<ChangeSet, WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = Timestamp::now().to_rfc3339();
        let id = storage::change_sets::insert(&mut tx, name, author, &now, false).await?;
        let set = ChangeSet::load(&mut tx, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("change set {id} went away"))?;
        tx.commit().await?;
        self.read.change_sets.put(id, Some(set.clone()));
        Ok(set)
    }

    /// Discards open change set `id` (`author`'s decision, logged): nothing of it is published.
    pub async fn discard(&self, id: i64, author: &str) -> Result<(), WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        open_change_set(&mut tx, id).await?;
        storage::change_sets::set_discarded(&mut tx, id).await?;
        tx.commit().await?;
        tracing::info!(change_set = id, by = author, "discarded a change set");
        self.read.change_sets.put(id, None);
        Ok(())
    }
}
