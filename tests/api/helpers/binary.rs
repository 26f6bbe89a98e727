//! The binary under test: the command line run to completion, or a server started from it.

use std::path::Path;

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_gen3-content");

/// Runs `gen3-content --database DATABASE ARGS…` to completion.
pub fn gen3(database: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .arg("--database")
        .arg(database)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Standard output and standard error of a finished command, as text.
pub fn outputs(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr"),
    )
}

/// The built-in seed page.
pub const SEED: &str = include_str!("../../../seed/about.md");

/// Starts the binary as a server on `database` at 127.0.0.1 on a free port, with `args`;
/// returns it (killed when dropped) and its port, read from its `serving` log line.
pub fn start_binary(database: &Path, args: &[&str]) -> (crate::cli::Running, u16) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(BIN)
        .arg("--database")
        .arg(database)
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let running = crate::cli::Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .find_map(|log| log["port"].as_u64())
        .expect("a `serving` log line with the port") as u16;
    // Keep draining the log so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (running, port)
}
