//! The answers of the webhook operations.

use std::collections::BTreeMap;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoResponses, ToSchema};

use super::{FULL, TOO_MANY_FAILURES, UNAUTHORIZED, UNAVAILABLE, UNEXPECTED, problems};

fn webhook_problems() -> BTreeMap<String, RefOr<Response>> {
    problems(&[
        ("400", "A query parameter is malformed or out of range"),
        ("401", UNAUTHORIZED),
        ("403", "The token lacks the `write` scope"),
        ("404", "There is no such webhook or delivery"),
        ("429", TOO_MANY_FAILURES),
        ("500", UNEXPECTED),
        ("503", UNAVAILABLE),
        ("507", FULL),
    ])
}

/// A read's answers: 200 with `T`, and the problems.
pub(crate) struct Responses<T>(std::marker::PhantomData<T>);

impl<T: ToSchema> IntoResponses for Responses<T> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = webhook_problems();
        responses.insert(
            "200".to_owned(),
            ResponseBuilder::new()
                .description("OK")
                .content(
                    "application/json",
                    utoipa::openapi::content::ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(T::name())))
                        .build(),
                )
                .build()
                .into(),
        );
        responses
    }
}

pub(crate) struct RedeliverResponses;

impl IntoResponses for RedeliverResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = webhook_problems();
        responses.remove("400");
        responses.insert(
            "202".to_owned(),
            ResponseBuilder::new()
                .description("It will be sent again at once, under the same id")
                .build()
                .into(),
        );
        responses
    }
}
