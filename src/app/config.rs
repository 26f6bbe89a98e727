//! Command line and environment: every flag also reads a `GEN3_CONTENT_…` variable.

use std::path::PathBuf;
use std::time::Duration;

use actix_web::http::header::HeaderValue;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::auth::admin::TokenCommand;
use crate::cli::model::ModelCommand;
use crate::cli::page_file::{CheckArgs, ExportArgs, ImportArgs};
pub use crate::ops::telemetry::LogFormat;
use crate::storage::db::Synchronous;

#[derive(Debug, Parser)]
#[command(
    name = "gen3-content",
    version,
    about = "Every page of the Gen3 website as a typed JSON content API, edited safely and exported back to Hugo"
)]
pub struct Cli {
    /// The SQLite database file (created, migrated and seeded on first start).
    #[arg(
        long,
        global = true,
        env = "GEN3_CONTENT_DATABASE",
        default_value = "gen3-content.db"
    )]
    pub database: PathBuf,

    /// Log filter: a level (`info`) or tracing directives (`info,sqlx=warn`).
    #[arg(long, global = true, env = "GEN3_CONTENT_LOG", default_value = "info")]
    pub log: String,

    /// Log line format.
    #[arg(long, global = true, env = "GEN3_CONTENT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// With no subcommand, `serve` takes its flags here.
    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, seed an empty database and serve the API (the default).
    Serve(Box<ServeArgs>),
    /// Replace the page from a Hugo page file, in one transaction (a new revision per changed
    /// section). Prints the same warnings as `check`; on any error, nothing is written.
    Import(ImportArgs),
    /// Write the stored page as a Hugo page file, as `GET /export` serves it.
    Export(ExportArgs),
    /// Check a Hugo page file without storing it: types, links, and the body's `param`
    /// references. Prints one line per finding; exits non-zero on errors.
    Check(CheckArgs),
    /// Exit 0 if a running server's /_status answers 200 (for container health checks).
    Healthcheck(HealthcheckArgs),
    /// Create, list and revoke the bearer tokens editors write with.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Add, list and remove the webhooks every publish is sent to, and see their deliveries.
    Webhook {
        #[command(subcommand)]
        command: crate::webhooks::WebhookCommand,
    },
    /// Show, check, apply or infer the content model: which front-matter keys are sections, of
    /// which type, and what each type holds.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
}

#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The status URL to ask.
    #[arg(
        long,
        env = "GEN3_CONTENT_HEALTHCHECK_URL",
        default_value = "http://127.0.0.1:8080/_status"
    )]
    pub url: String,

    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GEN3_CONTENT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// One Hugo page (the landing page) to seed an empty database with, instead of the
    /// bundled Gen3 site.
    #[arg(long, env = "GEN3_CONTENT_SEED", conflicts_with = "seed_site")]
    pub seed: Option<PathBuf>,

    /// A Hugo `content/` folder to seed an empty database with, instead of the bundled Gen3
    /// site (read as `import --site` reads it).
    #[arg(long, env = "GEN3_CONTENT_SEED_SITE")]
    pub seed_site: Option<PathBuf>,

    /// `Cache-Control` of the public reads.
    #[arg(
        long,
        env = "GEN3_CONTENT_CACHE_CONTROL",
        default_value = "public, max-age=0, must-revalidate"
    )]
    pub cache_control: String,

    /// How often to look for changes written by another process (milliseconds).
    #[arg(long, env = "GEN3_CONTENT_RELOAD_INTERVAL_MS", default_value_t = 250,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub reload_interval_ms: u64,

    /// How often the scheduler looks for change sets whose time to be published has come
    /// (milliseconds).
    #[arg(long, env = "GEN3_CONTENT_SCHEDULE_INTERVAL_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub schedule_interval_ms: u64,

    /// Publishes within this many milliseconds of the first one not yet sent to a webhook go
    /// out as one delivery.
    #[arg(long, env = "GEN3_CONTENT_WEBHOOK_WINDOW_MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub webhook_window_ms: u64,

    /// The delay before a failed delivery's first retry (milliseconds); each next one doubles
    /// it, up to an hour, with jitter; retried for a day.
    #[arg(long, env = "GEN3_CONTENT_WEBHOOK_RETRY_MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub webhook_retry_ms: u64,

    /// How long a webhook receiver may take to answer (milliseconds).
    #[arg(long, env = "GEN3_CONTENT_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(100..=120_000))]
    pub webhook_timeout_ms: u64,

    /// How long a published change set waits for a build's report, or for the next report
    /// after one that is not final (queued, building), before it shows `unknown` (milliseconds).
    #[arg(long, env = "GEN3_CONTENT_DEPLOY_REPORT_TIMEOUT_MS", default_value_t = 1_800_000,
          value_parser = clap::value_parser!(u64).range(1000..=604_800_000))]
    pub deploy_report_timeout_ms: u64,

    /// The most `GET /events` streams open at once; more get 503.
    #[arg(long, env = "GEN3_CONTENT_MAX_EVENT_STREAMS", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_event_streams: u64,

    /// The most `GET /events` streams one client address may have open at once; more get 429.
    /// Behind a reverse proxy every client has the proxy's address: raise it to the total.
    #[arg(long, env = "GEN3_CONTENT_MAX_EVENT_STREAMS_PER_CLIENT", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_event_streams_per_client: u64,

    /// How often an idle `GET /events` stream gets a comment, so that proxies keep it open
    /// (milliseconds).
    #[arg(long, env = "GEN3_CONTENT_EVENT_HEARTBEAT_MS", default_value_t = 15_000,
          value_parser = clap::value_parser!(u64).range(100..=300_000))]
    pub event_heartbeat_ms: u64,

    /// A checkout of the Hugo site (its config, layouts and assets): `GET /preview/{id}/…`
    /// builds change sets' views of the site with it. No previews without it.
    #[arg(long, env = "GEN3_CONTENT_HUGO_SITE")]
    pub hugo_site: Option<std::path::PathBuf>,

    /// The Hugo config file of the checkout to build previews with (Hugo's default if absent).
    #[arg(long, env = "GEN3_CONTENT_HUGO_CONFIG")]
    pub hugo_config: Option<String>,

    /// The Hugo binary previews run.
    #[arg(long, env = "GEN3_CONTENT_HUGO", default_value = "hugo")]
    pub hugo: std::path::PathBuf,

    /// Largest request body accepted, in bytes; bigger ones get 413.
    #[arg(long, env = "GEN3_CONTENT_MAX_BODY", default_value_t = 64 * 1024,
          value_parser = clap::value_parser!(u32).range(1024..=16 * 1024 * 1024))]
    pub max_body: u32,

    /// When a write counts as stored: `full` fsyncs every commit (an acknowledged write survives
    /// a power loss); `normal` does not (it survives a crash of the process, and writes are
    /// several times faster). See the README's design notes.
    #[arg(long, env = "GEN3_CONTENT_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Full)]
    pub synchronous: Synchronous,

    /// Largest request head (request line and header fields), in bytes; bigger ones get 431.
    #[arg(long, env = "GEN3_CONTENT_MAX_HEADER_BYTES", default_value_t = 16 * 1024,
          value_parser = clap::value_parser!(u32).range(1024..=96 * 1024))]
    pub max_header_bytes: u32,

    /// How long a client may take to send a request's head, and then its body (milliseconds);
    /// slower ones get 408 and the connection is closed.
    #[arg(long, env = "GEN3_CONTENT_REQUEST_TIMEOUT_MS", default_value_t = 5_000,
          value_parser = clap::value_parser!(u64).range(100..=300_000))]
    pub request_timeout_ms: u64,

    /// How long an idle keep-alive connection stays open (seconds).
    #[arg(long, env = "GEN3_CONTENT_KEEP_ALIVE_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub keep_alive_secs: u64,

    /// Open connections per worker thread; beyond it, new connections wait in the listen
    /// backlog until one closes.
    #[arg(long, env = "GEN3_CONTENT_MAX_CONNECTIONS", default_value_t = 1_024,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_connections: u32,

    /// Failed authentications (a token sent and refused) one client address may make per
    /// minute; beyond it, its requests with a token get 429 until the minute is over.
    #[arg(long, env = "GEN3_CONTENT_AUTH_FAILURE_LIMIT", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub auth_failure_limit: u32,

    /// Origins (scheme://host[:port]) whose pages may write, and read history, from a browser
    /// (CORS). Reads of the content are open to every origin. Repeat the flag, or separate
    /// origins with commas in the variable.
    #[arg(
        long = "cors-origin",
        env = "GEN3_CONTENT_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "GEN3_CONTENT_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,
}

impl Default for ServeArgs {
    /// The defaults (and environment), as `gen3-content serve` with no flags would have them.
    fn default() -> Self {
        Cli::parse_from(["gen3-content"]).serve
    }
}

impl Cli {
    /// Parses `args`. Serve flags belong either before any subcommand (meaning `serve`) or
    /// after `serve`; with another subcommand they would be silently ignored, so they are an
    /// error. (clap's `args_conflicts_with_subcommands` would also refuse `--database` before a
    /// subcommand, which the contract allows.)
    pub fn try_parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut command = Self::command();
        let matches = command.try_get_matches_from_mut(args)?;
        if matches.subcommand_name().is_some() {
            let serve_flags = ServeArgs::augment_args(clap::Command::new("serve"));
            for arg in serve_flags.get_arguments() {
                if matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine) {
                    let flag = arg.get_long().unwrap_or_default();
                    return Err(command.error(
                        ErrorKind::ArgumentConflict,
                        format!("--{flag} is a flag of `serve`: give it after `serve`, or with no subcommand"),
                    ));
                }
            }
        }
        Self::from_arg_matches(&matches)
    }

    /// The subcommand; none means `serve`, with the serve flags given at the top level.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(Box::new(self.serve)))
    }
}

/// Everything `serve` needs, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: PathBuf,
    pub bind: String,
    pub seed: Option<PathBuf>,
    pub seed_site: Option<PathBuf>,
    pub cache_control: HeaderValue,
    pub reload_interval: Duration,
    pub schedule_interval: Duration,
    pub deploy_report_timeout: Duration,
    pub deliveries: crate::webhooks::deliver::DeliverySettings,
    pub max_event_streams: usize,
    pub max_event_streams_per_client: usize,
    pub event_heartbeat: Duration,
    pub hugo_site: Option<crate::content::change_sets::preview::HugoSite>,
    pub max_body: usize,
    pub max_header_bytes: usize,
    pub request_timeout: Duration,
    pub keep_alive: Duration,
    pub max_connections: usize,
    pub auth_failure_limit: u32,
    pub cors_origins: Vec<String>,
    pub synchronous: Synchronous,
    pub workers: Option<usize>,
}

impl Settings {
    pub fn new(database: PathBuf, args: ServeArgs) -> anyhow::Result<Self> {
        let cache_control = HeaderValue::from_str(&args.cache_control).map_err(|_| {
            anyhow::anyhow!(
                "--cache-control {:?} is not a valid header value",
                args.cache_control
            )
        })?;
        Ok(Self {
            database,
            bind: args.bind,
            seed: args.seed,
            seed_site: args.seed_site,
            cache_control,
            reload_interval: Duration::from_millis(args.reload_interval_ms),
            schedule_interval: Duration::from_millis(args.schedule_interval_ms),
            deploy_report_timeout: Duration::from_millis(args.deploy_report_timeout_ms),
            max_event_streams: args.max_event_streams as usize,
            max_event_streams_per_client: args.max_event_streams_per_client as usize,
            event_heartbeat: Duration::from_millis(args.event_heartbeat_ms),
            hugo_site: args.hugo_site.clone().map(|dir| {
                crate::content::change_sets::preview::HugoSite {
                    dir,
                    config: args.hugo_config.clone(),
                    hugo: args.hugo.clone(),
                }
            }),
            deliveries: crate::webhooks::deliver::DeliverySettings {
                window: Duration::from_millis(args.webhook_window_ms),
                retry: Duration::from_millis(args.webhook_retry_ms),
                timeout: Duration::from_millis(args.webhook_timeout_ms),
                ..Default::default()
            },
            max_body: args.max_body as usize,
            max_header_bytes: args.max_header_bytes as usize,
            request_timeout: Duration::from_millis(args.request_timeout_ms),
            keep_alive: Duration::from_secs(args.keep_alive_secs),
            max_connections: args.max_connections as usize,
            auth_failure_limit: args.auth_failure_limit,
            cors_origins: args.cors_origins,
            synchronous: args.synchronous,
            workers: args.workers.map(usize::from),
        })
    }
}
