//! Points in time as the API shows them: RFC 3339 in UTC, whole seconds (as HTTP dates are).

use std::time::SystemTime;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// 1970-01-01T00:00:00Z: earlier than anything stored.
    pub const EPOCH: Self = Self(OffsetDateTime::UNIX_EPOCH);

    /// Now, truncated to the second.
    pub fn now() -> Self {
        let now = OffsetDateTime::now_utc();
        Self(now.replace_nanosecond(0).expect("0 is a valid nanosecond"))
    }

    pub fn parse(text: &str) -> Result<Self, time::error::Parse> {
        let t = OffsetDateTime::parse(text, &Rfc3339)?;
        Ok(Self(
            t.to_offset(time::UtcOffset::UTC)
                .replace_nanosecond(0)
                .expect("valid"),
        ))
    }

    /// `days` (at most 100 years) later.
    pub fn plus_days(self, days: u16) -> Self {
        Self(self.0 + time::Duration::days(days.into()))
    }

    pub fn to_rfc3339(self) -> String {
        self.0.format(&Rfc3339).expect("UTC times always format")
    }

    pub fn to_system_time(self) -> SystemTime {
        self.0.into()
    }
}

/// A time as the outbox and deliveries store it: RFC 3339 in UTC with milliseconds, always the same width, so
/// that stored times compare as text.
pub fn stamp(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// The time a [`stamp`] (or any RFC 3339 time) names.
pub fn unstamp(text: &str) -> Result<SystemTime, time::error::Parse> {
    OffsetDateTime::parse(text, &Rfc3339).map(SystemTime::from)
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some("RFC 3339 time in UTC, whole seconds."))
            .examples(["2026-11-25T12:00:00Z"])
            .into()
    }
}

impl ToSchema for Timestamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_in_utc_whole_seconds() {
        let t = Timestamp::parse("2018-09-04T22:16:21.75-05:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2018-09-05T03:16:21Z");
        assert_eq!(Timestamp::parse(&t.to_rfc3339()).unwrap(), t);
        assert_eq!(Timestamp::now().0.nanosecond(), 0);
    }
}
