//! Which version of the site a request reads or writes: live, or with `?changeset={id}` (on any
//! read or write of content) an open change set's. One parameter, one extractor for reads and
//! one function for writes, so that every endpoint honours it the same way.
//!
//! A change set's view is unpublished content: reading it needs a `preview` (or `write`) token,
//! and it is answered `Cache-Control: private, no-cache`, so that no shared cache keeps it. A
//! read without the parameter never looks at change sets, and costs what it always did.

use std::future::{Ready, ready};
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header::HeaderValue;
use actix_web::{FromRequest, HttpRequest};
use arc_swap::Guard;
use futures_util::future::Either;

use crate::auth::Scope;
use crate::content::StorageError;
use crate::content::change_sets::{State, listing};
use crate::content::read::site::Site;
use crate::content::write::Destination;
use crate::http::auth::Presented;
use crate::http::error::ApiError;
use crate::http::state::App;

/// The query parameter that names a change set.
pub const PARAMETER: &str = "changeset";

/// How a change set's view is cached: by the editor's browser only, revalidated every time.
static PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");

/// The site a read is answered from.
pub enum SiteView {
    Live(Guard<Arc<Site>>),
    /// Open change set `id`'s view of the site.
    ChangeSet(i64, Arc<Site>),
}

impl Deref for SiteView {
    type Target = Site;

    fn deref(&self) -> &Site {
        match self {
            Self::Live(site) => site,
            Self::ChangeSet(_, site) => site,
        }
    }
}

impl SiteView {
    /// The `Cache-Control` of what is read from it.
    pub fn cache_control<'a>(&self, app: &'a App) -> &'a HeaderValue {
        match self {
            Self::Live(_) => &app.http.cache_control,
            Self::ChangeSet(..) => &PRIVATE,
        }
    }
}

impl FromRequest for SiteView {
    type Error = ApiError;
    type Future = Either<
        Ready<Result<Self, ApiError>>,
        Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>,
    >;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(app) = req.app_data::<App>() else {
            let missing = anyhow::anyhow!("the application state is not configured");
            return Either::Left(ready(Err(ApiError::Internal(missing))));
        };
        let id = match change_set_of(req) {
            Ok(None) => return Either::Left(ready(Ok(Self::Live(app.read.load())))),
            Ok(Some(id)) => id,
            Err(e) => return Either::Left(ready(Err(e))),
        };
        let app = app.clone();
        let presented = Presented::of(req);
        Either::Right(Box::pin(async move {
            presented?.authorize(Scope::Preview).await?;
            let live = app.read.load_full();
            match app.read.change_sets.view(id, &live)? {
                Some(view) => Ok(Self::ChangeSet(id, view)),
                None => Err(not_open(&app, id, false).await),
            }
        }))
    }
}

/// Where a write goes: into the change set the request names, or live.
pub fn destination(req: &HttpRequest) -> Result<Destination, ApiError> {
    Ok(match change_set_of(req)? {
        Some(id) => Destination::ChangeSet(id),
        None => Destination::Live,
    })
}

/// The change set `?changeset=` names, if the query has one: a positive integer, or `400`.
pub fn change_set_of(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let query = req.query_string();
    if !query.contains(PARAMETER) {
        return Ok(None);
    }
    let mut found = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name != PARAMETER {
            continue;
        }
        let id = value
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{PARAMETER} must be a change set's id (a positive integer), not {:?}",
                    crate::http::problem::excerpt(&value)
                ))
            })?;
        if found.replace(id).is_some_and(|other| other != id) {
            return Err(ApiError::BadRequest(format!(
                "{PARAMETER} is given twice: a request reads or writes one change set"
            )));
        }
    }
    Ok(found)
}

pub fn no_change_set(id: i64) -> ApiError {
    ApiError::NotFound(format!(
        "there is no open change set {id} (it may have been published or discarded)"
    ))
}

/// Why change set `id` has no view: it was published or discarded (a write into it is a
/// `409`, as it is for the change set's own operations; a read a `404` that says so), or there
/// is none (`404`). Asks the database, but only on this path, never for a view that exists.
pub async fn not_open(app: &App, id: i64, write: bool) -> ApiError {
    let state = match listing::row(&app.store, id)
        .await
        .map(|row| State::parse(&row.state))
    {
        Ok(Ok(state)) => state,
        Ok(Err(e)) => return ApiError::Internal(e),
        Err(StorageError::NotFound(_)) => return no_change_set(id),
        Err(e) => return ApiError::from(e),
    };
    let (name, hint) = match state {
        State::Open => return no_change_set(id),
        State::Published => (
            "published",
            " (its changes are live: read without ?changeset=)",
        ),
        State::Discarded => ("discarded", ""),
    };
    if write {
        ApiError::Conflict(format!(
            "change set {id} is {name}: nothing more can be written into it"
        ))
    } else {
        ApiError::NotFound(format!(
            "change set {id} is {name}: it has no view of the site any more{hint}"
        ))
    }
}
