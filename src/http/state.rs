//! What handlers, extractors and the edge share: one value, handed to each as one `web::Data`.

use std::sync::Arc;

use crate::auth::{Throttle, Tokens};
use crate::content::Store;
use crate::content::read::representation::Representation;
use crate::content::read::served::ReadModel;
use crate::http::routes::HttpSettings;
use crate::http::security::Cors;
use crate::ops::metrics::Metrics;

/// The application's state. A read extracts this once (one lookup in the app data, one reference
/// count) where it used to extract a `web::Data` per part. The parts that background tasks also
/// use (the read model and the metrics, watched and updated by `content::read::snapshot`; the token
/// uses, flushed by `app::startup`) are shared with them.
pub struct AppState {
    pub read: Arc<ReadModel>,
    /// `GET /model`: the content model the server started with.
    pub model: Representation,
    /// The database, reached through the content layer's operations.
    pub store: Store,
    pub http: HttpSettings,
    pub metrics: Arc<Metrics>,
    pub tokens: Arc<Tokens>,
    pub throttle: Throttle,
    pub cors: Cors,
    /// `GET /events`: the streams open, and their limit.
    pub events: crate::http::streams::Streams,
    /// How long a published change set waits for a build's report before it shows `unknown`.
    pub deploy_report_timeout: std::time::Duration,
    /// Change sets' previews built with the site's Hugo checkout (`--hugo-site`), if any.
    pub previews: Option<crate::content::change_sets::preview::Previews>,
}

/// The extractor of the application's state.
pub type App = actix_web::web::Data<AppState>;
