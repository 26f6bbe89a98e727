//! Is it live? A build of the site (a CI job with a `deploy` token, triggered by a webhook
//! delivery) reports on each change set it deploys: queued, building, live or failed, with a
//! link to its log. A change set shows the newest report, except that silence is never success:
//! a published change set that no report follows within the timeout, or whose newest report is
//! not final and is not followed by another within it, shows `unknown`. The state is worked out
//! when it is shown, from the reports and the time, so no task has to run for it to turn.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::change_sets::State;
use crate::content::write::WriteError;
use crate::model::FieldError;
use crate::model::timestamp::{stamp, unstamp};
use crate::ops::metrics::Metrics;
use crate::storage::Connection;
use crate::storage::deploys::ReportRow;
use crate::storage::{self, Store};

/// How many reports a change set shows (the newest).
pub const SHOWN: i64 = 20;

/// What a build reports about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reported {
    /// Waiting for a runner.
    Queued,
    /// Building or deploying the site.
    Building,
    /// The site it built is live.
    Live,
    /// It failed: the change set's content is not (all) live.
    Failed,
}

impl Reported {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Building => "building",
            Self::Live => "live",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> anyhow::Result<Self> {
        [Self::Queued, Self::Building, Self::Live, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                anyhow::anyhow!("a stored deploy report is in no known state ({text:?})")
            })
    }
}

/// Where the deploy of a published change set stands, as far as anyone can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuildState {
    /// Published; no build has reported on it yet, and the timeout has not passed.
    Pending,
    /// The newest report says queued (and came within the timeout).
    Queued,
    /// The newest report says building (and came within the timeout).
    Building,
    /// The newest report says the site with it is live.
    Live,
    /// The newest report says the build failed.
    Failed,
    /// No report within the timeout (after the publish, or after a report that was not final):
    /// nobody knows whether it is live.
    Unknown,
}

/// A report as a build sends it (`POST /changesets/{id}/deploys`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub state: Reported,
    /// The build's own name for itself (a CI run's id), so that reports of several builds of
    /// one change set can be told apart: 1 to 200 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$",
        examples("gen3-site/actions/runs/12345")
    )]
    pub build: Option<String>,
    /// Where its log is: an `http(s)` URL with a host name or IP address and no credentials,
    /// at most 2000 characters.
    #[schema(
        max_length = 2000,
        pattern = "^https?://(\\[[0-9A-Fa-f:.]+\\]|([A-Za-z0-9-]+\\.)*[A-Za-z0-9-]+)(:[0-9]{1,5})?([/?#][^\\u0000-\\u0020\\u007f-\\u009f]*)?$",
        examples("https://github.com/uc-cdis/gen3-site/actions/runs/12345")
    )]
    pub log_url: Option<String>,
    /// What the build has to say (why it failed): at most 2000 characters, no control
    /// characters but line breaks and tabs.
    #[schema(
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
    )]
    pub detail: Option<String>,
}

/// A report that passed every check.
#[derive(Debug)]
pub struct ValidReport(NewReport);

impl NewReport {
    /// The report if every field is valid, or one error per field that is not.
    pub fn validate(self) -> Result<ValidReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error = |pointer: &str, detail: &str| {
            errors.push(FieldError {
                pointer: pointer.to_owned(),
                detail: detail.to_owned(),
            })
        };
        if let Some(build) = &self.build
            && (build.trim().is_empty()
                || build.chars().count() > 200
                || build.chars().any(char::is_control))
        {
            error(
                "/build",
                "must be 1 to 200 characters, not all blank, without control characters",
            );
        }
        if let Some(url) = &self.log_url
            && let Err(why) = log_url(url)
        {
            error("/log_url", why);
        }
        if let Some(detail) = &self.detail
            && (detail.chars().count() > 2000
                || detail
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
        {
            error(
                "/detail",
                "must be at most 2000 characters, without control characters but line breaks \
                 and tabs",
            );
        }
        if errors.is_empty() {
            Ok(ValidReport(self))
        } else {
            Err(errors)
        }
    }
}

/// What the OpenAPI document says a log URL looks like (`NewReport::log_url`'s pattern, which a
/// test holds equal to this): the server refuses whatever it does not match, so that no client
/// generated from the document is surprised either way. It has no `@` before the path: a
/// credential in the link would be shown to every editor.
const LOG_URL: &str = r"^https?://(\[[0-9A-Fa-f:.]+\]|([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+)(:[0-9]{1,5})?([/?#][^\u0000-\u0020\u007f-\u009f]*)?$";

/// Whether `text` can be shown to editors as a link to a build's log.
fn log_url(text: &str) -> Result<(), &'static str> {
    static PATTERN: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(LOG_URL).expect("a valid pattern"));
    if text.chars().count() > 2000 {
        return Err("must be at most 2000 characters");
    }
    if !PATTERN.is_match(text) {
        let credentials = url::Url::parse(text)
            .is_ok_and(|url| !url.username().is_empty() || url.password().is_some());
        return Err(if credentials {
            "must not carry a user name or password"
        } else {
            "must be an absolute http(s) URL with a host, without spaces or control characters"
        });
    }
    // The pattern passes a few hosts that are none (`999.1.1.1`, a bad IPv6 address, a port
    // over 65535): the URL Standard's parser decides.
    url::Url::parse(text).map_err(|_| "must be an absolute http(s) URL")?;
    Ok(())
}

/// A report as a change set shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeployReport {
    #[schema(minimum = 1)]
    pub id: i64,
    pub state: Reported,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub build: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, format = "uri")]
    pub log_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub detail: Option<String>,
    /// The name of the token it came with.
    pub reported_by: String,
    /// When it arrived (RFC 3339, UTC, milliseconds).
    #[schema(format = DateTime)]
    pub reported_at: String,
}

/// Where the deploy of a published change set stands, and what builds said about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeployStatus {
    pub state: BuildState,
    /// While it is `pending`, `queued` or `building`: when it turns `unknown` unless a report
    /// comes first (the server's `--deploy-report-timeout-ms` after the publish, or after the
    /// newest report).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, format = DateTime)]
    pub unknown_after: Option<String>,
    /// How many reports builds sent about it.
    #[schema(minimum = 0)]
    pub report_count: i64,
    /// The newest of them (up to 20), newest first: the first is what `state` follows.
    pub reports: Vec<DeployReport>,
}

/// The state of a change set published at `published_at` whose newest report (if any) said
/// `newest` at that time, as of `now`; and when it turns `unknown` if it still can.
pub fn state_of(
    published_at: SystemTime,
    newest: Option<(Reported, SystemTime)>,
    timeout: Duration,
    now: SystemTime,
) -> (BuildState, Option<SystemTime>) {
    let (waiting, since) = match newest {
        Some((Reported::Live, _)) => return (BuildState::Live, None),
        Some((Reported::Failed, _)) => return (BuildState::Failed, None),
        Some((Reported::Queued, at)) => (BuildState::Queued, at),
        Some((Reported::Building, at)) => (BuildState::Building, at),
        None => (BuildState::Pending, published_at),
    };
    let deadline = since + timeout;
    if now >= deadline {
        (BuildState::Unknown, None)
    } else {
        (waiting, Some(deadline))
    }
}

fn report_of(row: ReportRow) -> anyhow::Result<DeployReport> {
    Ok(DeployReport {
        id: row.id,
        state: Reported::parse(&row.state)?,
        build: row.build,
        log_url: row.log_url,
        detail: row.detail,
        reported_by: row.reported_by,
        reported_at: row.reported_at,
    })
}

fn newest_of(report: Option<&DeployReport>) -> anyhow::Result<Option<(Reported, SystemTime)>> {
    report
        .map(|r| Ok((r.state, unstamp(&r.reported_at)?)))
        .transpose()
}

/// The deploy status of change set `id`, published at `published_at`, as of now.
pub async fn status(
    conn: &mut Connection,
    id: i64,
    published_at: SystemTime,
    timeout: Duration,
) -> anyhow::Result<DeployStatus> {
    let (rows, report_count) = storage::deploys::of_change_set(conn, id, SHOWN).await?;
    let reports = rows
        .into_iter()
        .map(report_of)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let newest = newest_of(reports.first())?;
    let (state, deadline) = state_of(published_at, newest, timeout, SystemTime::now());
    Ok(DeployStatus {
        state,
        unknown_after: deadline.map(stamp),
        report_count,
        reports,
    })
}

/// The deploy state, as of now, of each published change set among `sets` (id and publish
/// time) with an id in `first..=last`.
pub async fn states(
    conn: &mut Connection,
    sets: &[(i64, SystemTime)],
    timeout: Duration,
) -> anyhow::Result<Vec<(i64, BuildState)>> {
    let (Some(first), Some(last)) = (
        sets.iter().map(|s| s.0).min(),
        sets.iter().map(|s| s.0).max(),
    ) else {
        return Ok(Vec::new());
    };
    let newest = storage::deploys::newest_between(conn, first, last)
        .await?
        .into_iter()
        .map(|row| Ok((row.change_set, report_of(row)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let now = SystemTime::now();
    sets.iter()
        .map(|&(id, published_at)| {
            let report = newest.iter().find(|r| r.0 == id).map(|r| &r.1);
            Ok((
                id,
                state_of(published_at, newest_of(report)?, timeout, now).0,
            ))
        })
        .collect()
}

/// Stores `report` on change set `id` from the build that holds token `by`, in one transaction,
/// and answers the change set's deploy status with it: `404` if there is no such change set,
/// `409` if it is not published (nothing of it can be deployed).
pub async fn report(
    store: &Store,
    metrics: &Metrics,
    id: i64,
    report: ValidReport,
    by: &str,
    timeout: Duration,
) -> Result<DeployStatus, WriteError> {
    let report = report.0;
    let mut tx = store.begin_write().await?;
    let set = storage::change_sets::get(&mut tx, id)
        .await?
        .ok_or(WriteError::missing(crate::storage::Missing::ChangeSet(id)))?;
    let published_at = match (State::parse(&set.state)?, set.published_at) {
        (State::Published, Some(at)) => crate::model::Timestamp::parse(&at)
            .map_err(|e| anyhow::anyhow!("change set {id}'s publish time: {e}"))?
            .to_system_time(),
        (state, _) => {
            return Err(WriteError::Conflict(format!(
                "change set {id} is {}: it is not published, so no build can deploy it",
                match state {
                    State::Discarded => "discarded",
                    _ => "open",
                }
            )));
        }
    };
    storage::deploys::insert(
        &mut tx,
        &ReportRow {
            id: 0,
            change_set: id,
            state: report.state.as_str().to_owned(),
            build: report.build,
            log_url: report.log_url,
            detail: report.detail,
            reported_by: by.to_owned(),
            reported_at: stamp(SystemTime::now()),
        },
    )
    .await?;
    let status = status(&mut tx, id, published_at, timeout).await?;
    tx.commit().await?;
    metrics.deploy_report(report.state.as_str());
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    const TIMEOUT: Duration = Duration::from_secs(60);

    #[test]
    fn silence_is_pending_then_unknown_never_live() {
        assert_eq!(
            state_of(at(1000), None, TIMEOUT, at(1059)),
            (BuildState::Pending, Some(at(1060)))
        );
        assert_eq!(
            state_of(at(1000), None, TIMEOUT, at(1060)),
            (BuildState::Unknown, None)
        );
        for (reported, shown) in [
            (Reported::Queued, BuildState::Queued),
            (Reported::Building, BuildState::Building),
        ] {
            let newest = Some((reported, at(1030)));
            assert_eq!(
                state_of(at(1000), newest, TIMEOUT, at(1089)),
                (shown, Some(at(1090)))
            );
            assert_eq!(
                state_of(at(1000), newest, TIMEOUT, at(1090)),
                (BuildState::Unknown, None)
            );
        }
    }

    #[test]
    fn final_reports_stay() {
        for (reported, shown) in [
            (Reported::Live, BuildState::Live),
            (Reported::Failed, BuildState::Failed),
        ] {
            let newest = Some((reported, at(1030)));
            assert_eq!(
                state_of(at(1000), newest, TIMEOUT, at(1_000_000)),
                (shown, None)
            );
        }
    }

    #[test]
    fn the_document_states_the_pattern_the_server_checks() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(NewReport::schema()).unwrap();
        assert_eq!(schema["properties"]["log_url"]["pattern"], LOG_URL);
        for good in [
            "https://github.com/uc-cdis/gen3-site/actions/runs/1?check=2#step:3:4",
            "http://10.0.0.5:8080/job/site/17/console",
            "http://[::1]:8080/log",
            "https://ci.example.org/runs/ünïcode",
        ] {
            assert_eq!(log_url(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn each_bad_field_is_pointed_at() {
        let report = NewReport {
            state: Reported::Live,
            build: Some(" ".to_owned()),
            log_url: Some("https://ci:secret@example.org/log".to_owned()),
            detail: Some("a\u{7}b".to_owned()),
        };
        let errors = report.validate().unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/build", "/log_url", "/detail"]);
        for bad in [
            "ftp://example.org/log",
            "/runs/1",
            "https:///x",
            "not a url",
            "http://999.1.1.1/",
            "http://ci:99999/",
            "https://ci.example.org/a b",
            "https://ci.example.org/\u{1c}",
        ] {
            assert!(log_url(bad).is_err(), "{bad}");
        }
        let good = NewReport {
            state: Reported::Failed,
            build: Some("run 7".to_owned()),
            log_url: Some("https://ci.example.org/runs/7?attempt=2#step-3".to_owned()),
            detail: Some("hugo: template error\n\tat layouts/index.html".to_owned()),
        };
        assert!(good.validate().is_ok());
    }
}
