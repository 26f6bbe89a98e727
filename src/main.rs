use std::process::ExitCode;

use clap::Parser;
use gen3_content::config::{Cli, Command, Settings};
use gen3_content::startup::Application;
use gen3_content::{healthcheck, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let _log = telemetry::init(&cli.log, cli.log_format)?;
    let database = cli.database.clone();
    match cli.into_command() {
        Command::Serve(args) => {
            let app = Application::build(Settings::new(database, args)?).await?;
            tracing::info!(port = app.port(), "serving");
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Healthcheck(args) => {
            healthcheck::check(&args.url, std::time::Duration::from_secs(args.timeout))
        }
    }
}
