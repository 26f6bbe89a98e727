//! The answers of the change set operations.

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Ref, RefOr};

use super::{FULL, TOO_MANY_FAILURES, UNAUTHORIZED, UNAVAILABLE, UNEXPECTED, header, problems};

fn json_response(description: &str, schema: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::content::ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build(),
        )
        .build()
        .into()
}

/// An operation's answers: `ok` with `status`, and the problems it can answer with (`pairs`
/// and those of every authenticated request).
fn answers(
    pairs: &[(&str, &str)],
    status: &str,
    ok: RefOr<Response>,
) -> BTreeMap<String, RefOr<Response>> {
    let mut responses = problems_of(pairs);
    responses.insert(status.to_owned(), ok);
    responses
}

fn problems_of(pairs: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    let mut all = vec![
        ("401", UNAUTHORIZED),
        ("429", TOO_MANY_FAILURES),
        ("500", UNEXPECTED),
        ("503", UNAVAILABLE),
        ("507", FULL),
    ];
    all.extend_from_slice(pairs);
    problems(&all)
}

pub(crate) struct CreatedResponses;

impl IntoResponses for CreatedResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = problems_of(&[
            ("400", "The body is not JSON"),
            ("403", "The token lacks the `write` scope"),
            ("408", "The body did not arrive within the request timeout"),
            ("413", "The body is over the size limit"),
            ("415", "The body is not `application/json`"),
            ("422", "The name is missing or invalid"),
        ]);
        let RefOr::T(mut created) = json_response(
            "The new change set (`Location` is its URL)",
            "ChangeSetDocument",
        ) else {
            unreachable!("built inline")
        };
        created
            .headers
            .insert("Location".to_owned(), header("Its URL").into());
        responses.insert("201".to_owned(), created.into());
        responses
    }
}

pub(crate) struct ListResponses;

impl IntoResponses for ListResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                ("400", "A query parameter is malformed or out of range"),
                ("403", "The token lacks the `preview` scope"),
            ],
            "200",
            json_response("Change sets, newest first", "ChangeSetList"),
        )
    }
}

pub(crate) struct ReadResponses;

impl IntoResponses for ReadResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                ("400", "The id is not a change set's"),
                ("403", "The token lacks the `preview` scope"),
                ("404", "There is no such change set"),
            ],
            "200",
            json_response("The change set", "ChangeSetDocument"),
        )
    }
}

pub(crate) struct PublishResponses;

impl IntoResponses for PublishResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                ("400", "The id is not a change set's"),
                ("403", "The token lacks the `write` scope"),
                ("404", "There is no such change set"),
                (
                    "409",
                    "Fields both the change set and live changed (`conflicts`: one entry each, with \
                 the page, section, JSON Pointer and the three values), the change set has no \
                 changes, or it was published or discarded already",
                ),
                (
                    "422",
                    "A page it would publish is not valid, or would make a body ask for what no \
                 longer exists (`errors`, pointers under `/pages/{id}`)",
                ),
            ],
            "200",
            json_response(
                "Published: the change set, with the page revision each page became",
                "ChangeSetDocument",
            ),
        )
    }
}

pub(crate) struct ScheduleResponses;

impl IntoResponses for ScheduleResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                (
                    "400",
                    "The body is not JSON, or the id is not a change set's",
                ),
                ("403", "The token lacks the `write` scope"),
                ("404", "There is no such change set"),
                ("408", "The body did not arrive within the request timeout"),
                ("409", "The change set was published or discarded already"),
                ("413", "The body is over the size limit"),
                ("415", "The body is not `application/json`"),
                (
                    "422",
                    "`publish_at` is missing, not an RFC 3339 time with an offset, or not in the \
                 future",
                ),
            ],
            "200",
            json_response("Scheduled: the change set", "ChangeSetDocument"),
        )
    }
}

pub(crate) struct UnscheduleResponses;

impl IntoResponses for UnscheduleResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                ("400", "The id is not a change set's"),
                ("403", "The token lacks the `write` scope"),
                ("404", "There is no such change set"),
                ("409", "The change set was published or discarded already"),
            ],
            "200",
            json_response("Unscheduled: the change set", "ChangeSetDocument"),
        )
    }
}

pub(crate) struct DeployResponses;

impl IntoResponses for DeployResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                (
                    "400",
                    "The body is not JSON, or the id is not a change set's",
                ),
                ("403", "The token lacks the `deploy` scope"),
                ("404", "There is no such change set"),
                ("408", "The body did not arrive within the request timeout"),
                (
                    "409",
                    "The change set is not published (open or discarded): no build can deploy it",
                ),
                ("413", "The body is over the size limit"),
                ("415", "The body is not `application/json`"),
                (
                    "422",
                    "`state` is missing or not one of `queued`, `building`, `live`, `failed`, or \
                 `build`, `log_url` or `detail` is invalid (`errors`, one per field)",
                ),
            ],
            "200",
            json_response(
                "Reported: where the change set's deploy stands now",
                "DeployStatus",
            ),
        )
    }
}

pub(crate) struct DiscardResponses;

impl IntoResponses for DiscardResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            &[
                ("400", "The id is not a change set's"),
                ("403", "The token lacks the `write` scope"),
                ("404", "There is no such change set"),
                ("409", "The change set was published or discarded already"),
            ],
            "204",
            ResponseBuilder::new()
                .description("Discarded: nothing of it was published")
                .build()
                .into(),
        )
    }
}
