//! Running the service: metrics, the request log and its output, the health check.

pub mod healthcheck;
pub mod log_output;
pub mod metrics;
pub mod telemetry;
