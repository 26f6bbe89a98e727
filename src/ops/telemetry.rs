//! Logging: one line per request (method, path, status, latency, request id), written off the
//! request path in batches (see `log_output`) so that logging never dominates a fast read.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use tracing_subscriber::EnvFilter;

use crate::ops::log_output::{self, BatchWriter, Flusher};

/// How log lines are written (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request's id: the client's `X-Request-Id` when it is a sane token, else a new UUID kept
/// inline, so that making and passing one around allocates nothing.
#[derive(Debug, Clone)]
pub enum RequestId {
    Given(HeaderValue),
    Made([u8; uuid::fmt::Hyphenated::LENGTH]),
}

impl RequestId {
    /// The id of the request with these headers.
    pub fn of(headers: &actix_web::http::header::HeaderMap) -> Self {
        match headers.get(&REQUEST_ID) {
            Some(given) if given.to_str().is_ok_and(is_token) => Self::Given(given.clone()),
            _ => Self::Made(new_request_id()),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Given(value) => value.as_bytes(),
            Self::Made(uuid) => uuid,
        }
    }

    pub fn as_str(&self) -> &str {
        // A token (see `is_token`) or a UUID: visible ASCII either way.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The `X-Request-Id` header of the response.
    pub fn header_value(&self) -> HeaderValue {
        match self {
            Self::Given(value) => value.clone(),
            Self::Made(uuid) => {
                HeaderValue::from_bytes(uuid).expect("a UUID is a valid header value")
            }
        }
    }
}

/// Installs the global subscriber. The server logs to stdout; the other commands to stderr, so that their stdout holds only
/// their output (`token create` prints the token and nothing else). Keep the returned guard
/// alive: dropping it writes out what is still buffered.
pub fn init(filter: &str, format: LogFormat, to_stderr: bool) -> anyhow::Result<Flusher> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|e| anyhow::anyhow!("bad --log filter {filter:?}: {e}"))?;
    let (out, tty): (Box<dyn Write + Send>, bool) = if to_stderr {
        (Box::new(std::io::stderr()), std::io::stderr().is_terminal())
    } else {
        (Box::new(std::io::stdout()), std::io::stdout().is_terminal())
    };
    let (writer, guard) = log_output::batched(out)?;
    // The first `init` of the process decides; a process initialises logging once.
    let _ = REQUEST_LOG.set((writer.clone(), format));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(tty)
        .with_writer(move || writer.clone());
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))?;
    Ok(guard)
}

/// The request log's lines, where `init` sent them: written by [`log_request`] itself.
static REQUEST_LOG: OnceLock<(BatchWriter, LogFormat)> = OnceLock::new();

/// What each worker keeps between its log lines.
struct Line {
    buffer: Vec<u8>,
    /// The second (since the epoch) the last line's timestamp started with, and its text.
    second: u64,
    date: [u8; 19],
    /// A reading of the monotonic and the wall clock at one moment, at most a second old.
    anchor: Option<(Instant, Duration)>,
}

thread_local! {
    static LINE: RefCell<Line> = const {
        RefCell::new(Line { buffer: Vec::new(), second: u64::MAX, date: [0; 19], anchor: None })
    };
}

/// Logs an answered request: one line, in the format of every other line (`--log-format`), at
/// level INFO with target `gen3_content::request`, so that `--log` filters it like any event.
///
/// The line is written here rather than by tracing's formatter: on a read served from memory,
/// formatting it through tracing (the field visitor, the date, `core::fmt`) was the largest cost
/// of our own in the profile. The filter is still tracing's, and asking it is a cached check.
pub fn log_request(
    method: &Method,
    path: &str,
    status: u16,
    elapsed: Duration,
    end: Instant,
    id: &RequestId,
) {
    if !tracing::enabled!(target: "gen3_content::request", tracing::Level::INFO) {
        return;
    }
    let Some((out, format)) = REQUEST_LOG.get() else {
        return;
    };
    LINE.with_borrow_mut(|line| {
        let now = line.wall_clock(end);
        if line.second != now.as_secs() {
            line.second = now.as_secs();
            line.date = format_second(now.as_secs());
        }
        line.buffer.clear();
        write_line(
            &mut line.buffer,
            *format,
            &line.date,
            now.subsec_micros(),
            method,
            path,
            status,
            elapsed,
            id.as_bytes(),
        );
        out.append(&line.buffer);
    });
}

impl Line {
    /// The wall clock at `end`, since the epoch, from a reading taken at most a second ago: a
    /// request costs no clock reading of its own for its timestamp.
    fn wall_clock(&mut self, end: Instant) -> Duration {
        let (at, wall) = match self.anchor {
            Some((at, wall)) if end.saturating_duration_since(at) < Duration::from_secs(1) => {
                (at, wall)
            }
            _ => {
                let wall = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                self.anchor = Some((end, wall));
                (end, wall)
            }
        };
        wall + end.saturating_duration_since(at)
    }
}

/// One request's log line, appended to `line`: `date` is the second, `micros` the rest.
#[allow(clippy::too_many_arguments)]
fn write_line(
    line: &mut Vec<u8>,
    format: LogFormat,
    date: &[u8; 19],
    micros: u32,
    method: &Method,
    path: &str,
    status: u16,
    elapsed: Duration,
    id: &[u8],
) {
    let mut micros_text = itoa::Buffer::new();
    let micros = micros_text.format(1_000_000 + micros);
    let timestamp = [&date[..], b".", &micros.as_bytes()[1..], b"Z"];
    let mut status_text = itoa::Buffer::new();
    let mut latency = itoa::Buffer::new();
    let latency = latency.format(elapsed.as_micros() as u64);
    let status = status_text.format(status);
    match format {
        LogFormat::Text => {
            for part in timestamp {
                line.extend_from_slice(part);
            }
            for part in [
                b"  INFO gen3_content::request: request method=".as_slice(),
                method.as_str().as_bytes(),
                b" path=",
                path.as_bytes(),
                b" status=",
                status.as_bytes(),
                b" latency_us=",
                latency.as_bytes(),
                b" request_id=",
                id,
                b"\n",
            ] {
                line.extend_from_slice(part);
            }
        }
        LogFormat::Json => {
            line.extend_from_slice(b"{\"timestamp\":\"");
            for part in timestamp {
                line.extend_from_slice(part);
            }
            line.extend_from_slice(b"\",\"level\":\"INFO\",\"message\":\"request\",\"method\":");
            let _ = serde_json::to_writer(&mut *line, method.as_str());
            line.extend_from_slice(b",\"path\":");
            let _ = serde_json::to_writer(&mut *line, path);
            for part in [
                b",\"status\":".as_slice(),
                status.as_bytes(),
                b",\"latency_us\":",
                latency.as_bytes(),
                b",\"request_id\":\"",
                id,
                b"\",\"target\":\"gen3_content::request\"}\n",
            ] {
                line.extend_from_slice(part);
            }
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS` of a second since the epoch, in UTC, as tracing writes its timestamps.
fn format_second(second: u64) -> [u8; 19] {
    let mut text = [b'0'; 19];
    if let Ok(at) = time::OffsetDateTime::from_unix_timestamp(second as i64) {
        let formatted = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
        if formatted.len() == text.len() {
            text.copy_from_slice(formatted.as_bytes());
        }
    }
    text
}

/// A new request id: a version-4-shaped UUID made of 64 random bits drawn once per process and a
/// counter. Unique (across restarts too), and unlike `Uuid::new_v4` it costs no `getrandom`
/// system call per request, which showed in the read benchmark's profile.
fn new_request_id() -> [u8; uuid::fmt::Hyphenated::LENGTH] {
    static PREFIX: OnceLock<[u8; 8]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 8];
        if getrandom::fill(&mut bytes).is_err() {
            // Only uniqueness matters here: the start time will do.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            bytes = nanos.to_be_bytes();
        }
        bytes
    });
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(prefix);
    bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text);
    text
}

/// Request ids come from clients: accept only short visible tokens, so they cannot forge log lines.
fn is_token(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// The line tracing's own formatter writes for the same event, without its timestamp.
    fn traced(format: LogFormat, path: &str) -> String {
        #[derive(Clone, Default)]
        struct Sink(Arc<Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink::default();
        let writer = sink.clone();
        let builder = tracing_subscriber::fmt()
            .with_ansi(false)
            .without_time()
            .with_writer(move || writer.clone());
        let event = || {
            tracing::info!(
                target: "gen3_content::request",
                method = %Method::PATCH,
                path = %path,
                status = 412u16,
                latency_us = 1234u64,
                request_id = %"req-1",
                "request"
            )
        };
        match format {
            LogFormat::Text => tracing::subscriber::with_default(builder.finish(), event),
            LogFormat::Json => tracing::subscriber::with_default(
                builder.json().flatten_event(true).finish(),
                event,
            ),
        }
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
    }

    fn ours(format: LogFormat, path: &str) -> String {
        let mut line = Vec::new();
        let date = format_second(1_764_597_600); // 2025-12-01T14:00:00Z
        let elapsed = Duration::from_micros(1234);
        write_line(
            &mut line,
            format,
            &date,
            42,
            &Method::PATCH,
            path,
            412,
            elapsed,
            b"req-1",
        );
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn request_lines_are_the_lines_tracing_would_write() {
        for path in ["/sections/vision", "/odd/\"quoted\"\\path/é"] {
            let text = ours(LogFormat::Text, path);
            assert_eq!(
                text.strip_prefix("2025-12-01T14:00:00.000042Z "),
                Some(traced(LogFormat::Text, path).as_str()),
                "{text}"
            );
            let json: serde_json::Value =
                serde_json::from_str(&ours(LogFormat::Json, path)).unwrap();
            let mut expected: serde_json::Value =
                serde_json::from_str(&traced(LogFormat::Json, path)).unwrap();
            expected["timestamp"] = "2025-12-01T14:00:00.000042Z".into();
            assert_eq!(json, expected);
        }
    }
}
