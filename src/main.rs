use std::process::ExitCode;

use gen3_content::app::config::{Cli, Command, Settings};
use gen3_content::app::startup::Application;
use gen3_content::auth;
use gen3_content::cli::{self, page_file};
use gen3_content::ops::{healthcheck, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One line, like every other failure; `--help` has the rest.
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("bad arguments");
            eprintln!("gen3-content: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes.
            eprintln!("gen3-content: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database = cli.database.clone();
    let (log, format) = (cli.log.clone(), cli.log_format);
    let command = cli.into_command();
    let _log = telemetry::init(&log, format, !matches!(command, Command::Serve(_)))?;
    match command {
        Command::Serve(args) => {
            let app = Application::build(Settings::new(database, *args)?).await?;
            tracing::info!(port = app.port(), "serving");
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Import(args) => page_file::import(&database, &args).await,
        Command::Export(args) => page_file::export(&database, &args).await,
        Command::Check(args) => page_file::check(&database, &args).await,
        Command::Model { command } => cli::model::run(&database, command).await,
        Command::Token { command } => auth::admin::run(&database, command).await,
        Command::Webhook { command } => gen3_content::webhooks::run(&database, command).await,
        Command::Healthcheck(args) => {
            healthcheck::check(&args.url, std::time::Duration::from_secs(args.timeout))
        }
    }
}
