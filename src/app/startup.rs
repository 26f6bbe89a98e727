//! Builds the application: seed check, database, read model, HTTP server. Tests build it on port 0.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tokio::task::JoinHandle;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::app::config::Settings;
use crate::auth::{Throttle, Tokens};
use crate::content::Store;
use crate::content::change_sets::schedule;
use crate::content::read::follow;
use crate::content::read::representation::Representation;
use crate::content::site;
use crate::content::site::seed;
use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::routes::{self, HttpSettings};
use crate::http::state::AppState;
use crate::http::{openapi, security};
use crate::model::Timestamp;
use crate::ops::metrics::Metrics;

pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    tokens: Arc<Tokens>,
    background: [JoinHandle<()>; 5],
}

impl Application {
    /// Checks the seed, opens, migrates and (if empty) seeds the database, loads the read model
    /// and binds the listener. Nothing is written if the seed is invalid.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let seed = seed::load(match (&settings.seed, &settings.seed_site) {
            (Some(page), _) => seed::Source::Page(page),
            (None, Some(site)) => seed::Source::Site(site),
            (None, None) => seed::Source::Bundled,
        })?;
        // How long each step of the start took, for `--log debug`.
        let began = std::time::Instant::now();
        let phase = |what: &str| {
            tracing::debug!(ms = began.elapsed().as_millis() as u64, "start: {what}");
        };
        let store = Store::open(&settings.database, settings.synchronous).await?;
        phase("opened");
        // A file this process may only read opens all the same (SQLite falls back to read-only),
        // and would answer every write with an error: refused here, in one line, instead.
        if let Err(e) = store.check_writable().await {
            anyhow::bail!(
                "cannot write the database {}: {e}",
                settings.database.display()
            );
        }
        let seeded = seed::seed_if_empty(&store, &seed).await?;
        if seeded > 0 {
            tracing::info!(
                database = %settings.database.display(),
                pages = seeded,
                "seeded an empty database"
            );
        }
        phase("seeded");
        let (active, read, watch) = follow::start(&store).await?;
        phase("site read");
        let model = active.model.clone();
        let read = Arc::new(read);
        let tokens = Arc::new(Tokens::default());
        let metrics = Arc::new(Metrics::new());

        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            read: read.clone(),
            model: model_document(&active)?,
            store: store.clone(),
            http: HttpSettings {
                cache_control: settings.cache_control.clone(),
                max_body: settings.max_body,
                request_timeout: settings.request_timeout,
                max_header_bytes: settings.max_header_bytes,
            },
            metrics: metrics.clone(),
            tokens: tokens.clone(),
            throttle: Throttle::new(settings.auth_failure_limit, Duration::from_secs(60)),
            cors: security::Cors::new(&settings.cors_origins),
            events: crate::http::streams::Streams::new(
                settings.max_event_streams,
                settings.max_event_streams_per_client,
                settings.event_heartbeat,
            ),
            deploy_report_timeout: settings.deploy_report_timeout,
            previews: settings
                .hugo_site
                .clone()
                .map(crate::content::change_sets::preview::Previews::new),
        });
        let api = openapi::openapi(&model);
        phase("openapi");
        let allowed = routes::allowed_methods(&api);
        // Before the first request: a publish hands its feed rows over after this one.
        let feed_seen = crate::content::feed::last(&store).await?;
        read.feed.start_at(feed_seen);
        let mut server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    ApiError::NotFound(format!("no such resource: {e}")).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::BadRequest(format!("bad query string: {e}")).into()
                }))
                .configure(routes::configure)
                .into_app()
                .configure(|cfg| routes::method_not_allowed(cfg, &allowed))
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .url("/openapi.json", api.clone())
                        // "Authorize" once; the token survives a reload of the page.
                        .config(Config::default().persist_authorization(true)),
                )
                .service(web::redirect("/swagger-ui", "/swagger-ui/"))
                .configure(routes::frontend::configure)
                .default_service(web::to(routes::not_found))
                // Request ids, HEAD, limits, CORS, problems, security headers, metrics, the log.
                .wrap(Edge::new(state.clone()))
        })
        .client_request_timeout(settings.request_timeout)
        .keep_alive(settings.keep_alive)
        .max_connections(settings.max_connections)
        .listen(listener)?
        // Finish in-flight requests on SIGTERM before a container runtime's usual 10 s kill.
        .shutdown_timeout(8);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.run();
        phase("serving");

        let watcher = tokio::spawn(follow::follow_database(
            watch,
            store.clone(),
            read.clone(),
            metrics.clone(),
            settings.reload_interval,
        ));
        let flusher = tokio::spawn(record_token_use(store.clone(), tokens.clone()));
        let scheduler = tokio::spawn(schedule::run(
            store.clone(),
            read.clone(),
            metrics.clone(),
            settings.schedule_interval,
        ));
        let feeder = tokio::spawn(crate::content::feed::follow(
            store.clone(),
            read.feed.clone(),
            settings.reload_interval,
        ));
        let deliverer = tokio::spawn(crate::webhooks::deliver::run(
            store.clone(),
            settings.deliveries.clone(),
        ));
        Ok(Self {
            port,
            server,
            store,
            tokens,
            background: [watcher, flusher, scheduler, deliverer, feeder],
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (gracefully) when asked; SIGINT and SIGTERM do the same.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, then lets in-flight requests finish and closes the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for task in &self.background {
            task.abort();
        }
        flush_token_use(&self.store, &self.tokens).await;
        self.store.close().await;
        result
    }
}

/// `GET /model`: the active model as JSON, with its version.
fn model_document(active: &site::ActiveModel) -> anyhow::Result<Representation> {
    let body = serde_json::to_vec(&serde_json::json!({
        "version": active.version,
        "model": &*active.model,
    }))?;
    Ok(Representation::new(
        "application/json",
        body,
        Timestamp::now().to_system_time(),
    ))
}

/// How often token uses are written to `tokens.last_used_at` (and once more at shutdown).
const TOKEN_USE_FLUSH: Duration = Duration::from_secs(60);

async fn record_token_use(store: Store, tokens: Arc<Tokens>) {
    let mut ticker = tokio::time::interval(TOKEN_USE_FLUSH);
    loop {
        ticker.tick().await;
        flush_token_use(&store, &tokens).await;
    }
}

async fn flush_token_use(store: &Store, tokens: &Tokens) {
    if let Err(e) = tokens.flush(store).await {
        tracing::warn!(
            error = format!("{e:#}"),
            "cannot record when tokens were last used"
        );
    }
}
