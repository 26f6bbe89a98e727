//! Where log lines go: a buffer in memory, written out by a background thread every 50 ms (or
//! as soon as 64 KiB have gathered).
//!
//! tracing-appender's non-blocking writer wakes its thread for every line; with the server on
//! one core that is two context switches and a `write(2)` per request, and it cut read
//! throughput by about 40 % in the benchmark (bench/RESULTS.md). Here a request pays one
//! uncontended mutex and a `memcpy`, and the disk sees one write per batch.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a line may wait in memory.
const INTERVAL: Duration = Duration::from_millis(50);
/// A batch this large is written at once.
const HIGH_WATER: usize = 64 * 1024;
/// Beyond this, while the output is stuck, lines are dropped (and counted) rather than letting
/// memory grow or requests wait.
const LIMIT: usize = 8 * 1024 * 1024;

#[derive(Default)]
struct State {
    lines: Vec<u8>,
    dropped: u64,
    closing: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

/// What each log event writes to: cheap to clone, one per event.
#[derive(Clone)]
pub struct BatchWriter(Arc<Shared>);

impl BatchWriter {
    /// Adds `line` to the batch.
    pub fn append(&self, line: &[u8]) {
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.lines.len() + line.len() > LIMIT {
            state.dropped += 1;
        } else {
            state.lines.extend_from_slice(line);
            if state.lines.len() >= HIGH_WATER {
                self.0.wake.notify_one();
            }
        }
    }
}

impl Write for BatchWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.append(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes what is left and stops the thread when dropped: keep it alive as long as logging.
pub struct Flusher {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A writer for log events and the thread that empties it into `out`.
pub fn batched(mut out: impl Write + Send + 'static) -> io::Result<(BatchWriter, Flusher)> {
    let shared = Arc::new(Shared::default());
    let for_thread = shared.clone();
    let thread = std::thread::Builder::new()
        .name("log-writer".to_owned())
        .spawn(move || {
            let mut batch = Vec::with_capacity(HIGH_WATER);
            loop {
                let (closing, dropped) = {
                    let state = for_thread.state.lock().unwrap_or_else(|e| e.into_inner());
                    let (mut state, _) = for_thread
                        .wake
                        .wait_timeout_while(state, INTERVAL, |s| {
                            !s.closing && s.lines.len() < HIGH_WATER
                        })
                        .unwrap_or_else(|e| e.into_inner());
                    std::mem::swap(&mut state.lines, &mut batch);
                    (state.closing, std::mem::take(&mut state.dropped))
                };
                // Written outside the lock: requests never wait for the disk.
                let _ = out.write_all(&batch);
                if dropped > 0 {
                    let _ = writeln!(
                        out,
                        "{dropped} log lines dropped: the output could not keep up"
                    );
                }
                let _ = out.flush();
                batch.clear();
                if closing {
                    break;
                }
            }
        })?;
    Ok((
        BatchWriter(shared.clone()),
        Flusher {
            shared,
            thread: Some(thread),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read after the writer thread has written to it.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_arrive_in_order_soon_and_all_of_them_at_shutdown() {
        let sink = Sink::default();
        let (writer, flusher) = batched(sink.clone()).unwrap();
        let mut w = writer.clone();
        w.write_all(b"first\n").unwrap();
        std::thread::sleep(INTERVAL * 4);
        assert_eq!(
            &sink.0.lock().unwrap()[..],
            b"first\n",
            "written within the interval"
        );
        for i in 0..1000 {
            writeln!(w, "line {i}").unwrap();
        }
        drop(flusher);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1001);
        assert_eq!(text.lines().last(), Some("line 999"));
    }
}
