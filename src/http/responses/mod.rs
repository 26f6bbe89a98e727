//! The OpenAPI response catalogue: the headers and answers each kind of operation documents
//! (cached reads, writes, creations, history, change sets), with the problems each can answer.
//! Route handlers name these in their `#[utoipa::path]`; `openapi` post-processes the document.

pub mod change_sets;
pub mod events;
pub mod reads;
pub mod webhooks;

use std::collections::BTreeMap;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, IntoResponses, PartialSchema, ToSchema};

use crate::http::problem::{PROBLEM_JSON, Problem};
use crate::http::schemas;

/// Conditional request headers of the cacheable reads.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, non_snake_case)]
pub struct ConditionalHeaders {
    /// Entity tags of copies the client holds (weak comparison; `*` matches any). Any coding's
    /// tag of the current version gives `304`.
    #[param(rename = "If-None-Match", nullable = false)]
    if_none_match: Option<String>,
    /// An HTTP date; `304` if nothing changed since. Ignored when `If-None-Match` is sent.
    #[param(rename = "If-Modified-Since", nullable = false)]
    if_modified_since: Option<String>,
    /// `gzip` and `br` are served precompressed.
    #[param(rename = "Accept-Encoding", nullable = false)]
    accept_encoding: Option<String>,
}

/// The request headers of a write.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, non_snake_case)]
pub struct WriteHeaders {
    /// The `ETag` of the version the edit started from (any coding's tag; strong comparison),
    /// or `*` to overwrite whatever is current. Without it: `428`; stale: `412`.
    #[param(
        rename = "If-Match",
        required = true,
        nullable = false,
        example = "\"3f9a1c0de2b4a5968e07\""
    )]
    if_match: String,
    /// `gzip` and `br` are offered for the response.
    #[param(rename = "Accept-Encoding", nullable = false)]
    accept_encoding: Option<String>,
}

/// A documented response header.
pub(crate) fn header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(String::schema()))
        .description(Some(description))
        .build()
}

/// A response whose body is a problem document, with the header its status carries (as
/// `ApiError::headers` sets it).
pub(crate) fn problem(status: &str, description: &str) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(Problem::name())))
            .build(),
    );
    let status_header = match status {
        "401" => Some((
            "WWW-Authenticate",
            r#"`Bearer realm="gen3-content"`, with `error="invalid_token"` when a token was sent"#,
        )),
        "403" => Some((
            "WWW-Authenticate",
            r#"`Bearer realm="gen3-content", error="insufficient_scope", scope="write"`"#,
        )),
        "415" => Some(("Accept", "The media type this operation takes")),
        "429" | "503" | "507" => Some(("Retry-After", "Seconds to wait before retrying")),
        _ => None,
    };
    if let Some((name, description)) = status_header {
        response = response.header(name, header(description));
    }
    response.build().into()
}

pub(crate) fn problems(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| ((*status).to_owned(), problem(status, description)))
        .collect()
}

pub(crate) const UNAUTHORIZED: &str = "No token, or a bad, expired or revoked one";
pub(crate) const TOO_MANY_FAILURES: &str = "Too many requests with a bad token from this address: every \
     request with a token is refused until `Retry-After` seconds have passed";
pub(crate) const UNEXPECTED: &str = "Unexpected error (logged with the `request_id` it carries)";
pub(crate) const UNAVAILABLE: &str = "The database stayed locked by another process, or its file cannot \
     be written now (nothing was stored); retry after `Retry-After`";
pub(crate) const FULL: &str = "The disk holding the database is full: nothing was stored; retry after \
     `Retry-After`, once an operator has made room";

/// A write's `200` (or `201`) with the representation it produced, of `schema` in `media_type`.
pub(crate) fn written_response(
    description: &str,
    media_type: &str,
    schema: RefOr<utoipa::openapi::schema::Schema>,
) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            media_type,
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .header(
            "ETag",
            header("The new version's strong validator, for the next `If-Match`"),
        )
        .header("Last-Modified", header("When it last changed"))
        .header("Content-Location", header("Its URL"))
        .build()
        .into()
}

/// Every answer of a write (`PUT`, `PATCH`, restore).
pub struct WriteResponses;

impl IntoResponses for WriteResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let ok = written_response(
            "The section as it now is (unchanged if the write changed nothing)",
            "application/json",
            Ref::from_schema_name(schemas::SECTION).into(),
        );
        let mut responses = write_problems();
        responses.insert("200".to_owned(), ok);
        responses
    }
}

/// The answers of a write of a page as a whole (metadata, order, a page revision restored).
pub struct PageWriteResponses;

impl IntoResponses for PageWriteResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let ok = written_response(
            "The page as it now is (unchanged if the write changed nothing)",
            "application/json",
            Ref::from_schema_name(schemas::PAGE_DOCUMENT).into(),
        );
        let mut responses = write_problems();
        responses.insert("200".to_owned(), ok);
        responses
    }
}

/// The answers of `PUT /pages/{id}/body`.
pub struct BodyWriteResponses;

impl IntoResponses for BodyWriteResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let ok = written_response(
            "The body as it now is",
            "text/plain; charset=utf-8",
            String::schema(),
        );
        let mut responses = write_problems();
        responses.insert("200".to_owned(), ok);
        responses
    }
}

/// The answers of `POST /pages`.
pub struct CreateResponses;

impl IntoResponses for CreateResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let RefOr::T(mut created) = written_response(
            "The new page (`Location` is its URL)",
            "application/json",
            Ref::from_schema_name(schemas::PAGE_DOCUMENT).into(),
        ) else {
            unreachable!("built inline")
        };
        created
            .headers
            .insert("Location".to_owned(), header("The page's URL").into());
        let mut responses = write_problems();
        responses.retain(|status, _| !["404", "412", "428"].contains(&status.as_str()));
        responses.insert(
            "409".to_owned(),
            problem("409", "The page exists, or its file is another page's"),
        );
        responses.insert("201".to_owned(), created.into());
        reads::link_to_page(&mut responses, "201", "$response.body#/page/id");
        responses
    }
}

/// The answers of `POST /pages/{id}/sections`.
pub struct AddSectionResponses;

impl IntoResponses for AddSectionResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let RefOr::T(mut created) = written_response(
            "The new section (`Location` is its URL)",
            "application/json",
            Ref::from_schema_name(schemas::SECTION).into(),
        ) else {
            unreachable!("built inline")
        };
        created
            .headers
            .insert("Location".to_owned(), header("The section's URL").into());
        let mut responses = write_problems();
        responses.insert(
            "409".to_owned(),
            problem("409", "The page already has this section"),
        );
        responses.insert("201".to_owned(), created.into());
        responses
    }
}

/// The answers of a `DELETE`.
pub struct DeleteResponses;

impl IntoResponses for DeleteResponses {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = write_problems();
        responses.retain(|status, _| !["400", "408", "413", "415"].contains(&status.as_str()));
        responses.insert(
            "409".to_owned(),
            problem(
                "409",
                "`DELETE /pages/_index`: the landing page cannot be deleted",
            ),
        );
        responses.insert(
            "204".to_owned(),
            ResponseBuilder::new()
                .description("Deleted (its history stays)")
                .build()
                .into(),
        );
        responses
    }
}

/// The problems any write can answer with.
pub(crate) fn write_problems() -> BTreeMap<String, RefOr<Response>> {
    problems(&[
        (
            "400",
            "The body is not JSON, or a query parameter is malformed",
        ),
        ("401", UNAUTHORIZED),
        ("403", "The token lacks the `write` scope"),
        ("404", "No such page, section (or revision)"),
        (
            "408",
            "The body did not arrive within the request timeout; the connection is closed",
        ),
        (
            "412",
            "`If-Match` names no current version: reload, reapply, retry",
        ),
        ("413", "The body is over the size limit"),
        (
            "415",
            "The body's `Content-Type` is not the one this operation takes (see `Accept`)",
        ),
        (
            "422",
            "Invalid fields, or the write would make the page's body ask for something that \
                 no longer exists (a `param` reference): `errors` has one entry per field, with a \
                 JSON Pointer (for a removal, to where the removed value is now: into the \
                 section, the metadata, or `/sections/{id}`; `/body` for a body that asks for a \
                 missing key) and the body's lines",
        ),
        ("428", "`If-Match` is missing"),
        ("429", TOO_MANY_FAILURES),
        ("500", UNEXPECTED),
        ("503", UNAVAILABLE),
        ("507", FULL),
    ])
}

/// The `changeset` query parameter of every operation that reads or writes content through a
/// change set's view (`http::view`). An operation that lists it gets, in `openapi`, the answers
/// the parameter adds and the `bearer` alternative on a public read.
pub struct InChangeSet;

impl IntoParams for InChangeSet {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{KnownFormat, Required, SchemaFormat};
        vec![
            ParameterBuilder::new()
                .name(crate::http::view::PARAMETER)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "An open change set's id: read its view of the site (what publishing it \
                     would make; needs a `preview` or `write` token, answered `Cache-Control: \
                     private, no-cache`), or write into it instead of live (same validation \
                     and `If-Match` rules, against its view).",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .minimum(Some(1)),
                ))
                .build(),
        ]
    }
}

/// The answers `?changeset=` adds to an operation that lacks them (a public read).
pub fn change_set_problems() -> BTreeMap<String, RefOr<Response>> {
    problems(&[
        (
            "400",
            "A query parameter (`changeset` among them) is malformed",
        ),
        (
            "401",
            "`changeset` without a token, or with one that is unknown, expired or revoked",
        ),
        (
            "403",
            "`changeset` with a token that lacks the `preview` scope",
        ),
        (
            "404",
            "No such page or section, or `changeset` names no open change set (a read of one \
             that was published or discarded says so)",
        ),
        ("429", TOO_MANY_FAILURES),
    ])
}

/// The problem of a write into a change set that is no longer open.
pub fn closed_change_set_problem() -> RefOr<Response> {
    problems(&[(
        "409",
        "`changeset` names a change set that was published or discarded: nothing more can be \
         written into it",
    )])
    .remove("409")
    .expect("the problem just made")
}

/// The problems a history read can answer with.
pub struct HistoryProblems;

impl IntoResponses for HistoryProblems {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[
            ("400", "A query parameter is malformed or out of range"),
            ("401", UNAUTHORIZED),
            (
                "403",
                "A `deploy` token: it may report builds and nothing else, history included",
            ),
            ("404", "No such page, section or revision"),
            ("429", TOO_MANY_FAILURES),
            ("500", UNEXPECTED),
            ("503", UNAVAILABLE),
        ])
    }
}
