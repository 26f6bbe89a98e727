//! The answers of `GET /events`.

use utoipa::IntoResponses;
use utoipa::openapi::RefOr;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};

use super::{UNEXPECTED, problems};

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, non_snake_case)]
pub(crate) struct EventHeaders {
    /// The `id` of the last event received: the stream starts after it (empty: as if absent).
    #[param(rename = "Last-Event-ID", nullable = false, pattern = "^[0-9]{0,18}$")]
    last_event_id: Option<String>,
}

pub(crate) struct EventResponses;

impl IntoResponses for EventResponses {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        let mut responses = problems(&[
            ("400", "`Last-Event-ID` is not a number"),
            (
                "429",
                "This client address has as many streams open as one address may (`Retry-After`)",
            ),
            ("500", UNEXPECTED),
            (
                "503",
                "As many streams are open as the server allows (`Retry-After`), or the database is unavailable",
            ),
        ]);
        responses.insert(
            "200".to_owned(),
            ResponseBuilder::new()
                .description("The stream, until the client closes it")
                .content(
                    "text/event-stream",
                    ContentBuilder::new()
                        .schema(Some(<String as utoipa::PartialSchema>::schema()))
                        .build(),
                )
                .build()
                .into(),
        );
        responses
    }
}
