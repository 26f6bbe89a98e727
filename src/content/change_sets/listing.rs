//! Change sets as editors look them up: the list, newest first, and one change set with what it
//! published and how its builds went.

use std::time::Duration;

use super::ChangeSet;
use super::State;
use super::deploy::{self, BuildState, DeployStatus};
use crate::content::read::served::ReadModel;
use crate::model::Timestamp;
use crate::storage::{self, Missing, StorageError, Store};

pub use crate::storage::change_sets::ChangeSetRow;
pub use crate::storage::page::PublishedRow;

/// A change set in the list, with the deploy state of a published one.
#[derive(Debug, Clone)]
pub struct Listed {
    pub row: ChangeSetRow,
    pub deploy_state: Option<BuildState>,
}

/// Up to `limit` change sets with an id below `before`, newest first.
pub async fn list(
    store: &Store,
    before: i64,
    limit: i64,
    timeout: Duration,
) -> Result<Vec<Listed>, StorageError> {
    let conn = &mut *store.reader().await?;
    let rows = storage::change_sets::list(conn, before, limit).await?;
    let published = rows
        .iter()
        .filter(|row| row.state == "published")
        .filter_map(|row| Some((row.id, row.published_at.as_deref()?)))
        .map(|(id, at)| {
            let at = Timestamp::parse(at).map_err(StorageError::internal)?;
            Ok((id, at.to_system_time()))
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    let deploys = deploy::states(conn, &published, timeout)
        .await
        .map_err(StorageError::internal)?;
    Ok(rows
        .into_iter()
        .map(|row| Listed {
            deploy_state: deploys.iter().find(|d| d.0 == row.id).map(|d| d.1),
            row,
        })
        .collect())
}

/// One change set, with what it became if it is published.
#[derive(Debug, Clone)]
pub struct Found {
    pub set: ChangeSet,
    /// The page revisions it published.
    pub revisions: Vec<PublishedRow>,
    pub deploy: Option<DeployStatus>,
}

/// Change set `id`: an open one from memory, any other from the database, with the page
/// revisions it published and its builds' reports.
pub async fn find(
    store: &Store,
    read: &ReadModel,
    id: i64,
    timeout: Duration,
) -> Result<Found, StorageError> {
    let conn = &mut *store.reader().await?;
    let set = match read.change_sets.get(id) {
        Some(set) => ChangeSet::clone(&set),
        None => ChangeSet::load(conn, id)
            .await
            .map_err(StorageError::internal)?
            .ok_or(StorageError::NotFound(Missing::ChangeSet(id)))?,
    };
    let (revisions, deploy) = match (set.state, set.published_at) {
        (State::Published, Some(at)) => (
            storage::page::published_by(conn, id).await?,
            Some(
                deploy::status(conn, id, at.to_system_time(), timeout)
                    .await
                    .map_err(StorageError::internal)?,
            ),
        ),
        _ => (Vec::new(), None),
    };
    Ok(Found {
        set,
        revisions,
        deploy,
    })
}

/// Change set `id`'s row, whatever its state.
pub async fn row(store: &Store, id: i64) -> Result<ChangeSetRow, StorageError> {
    storage::change_sets::get(&mut *store.reader().await?, id)
        .await?
        .ok_or(StorageError::NotFound(Missing::ChangeSet(id)))
}
