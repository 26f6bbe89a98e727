//! The answers of the reads: a cacheable representation with its validators, or `304`, and
//! the `404` of what a path names but does not exist.

use std::collections::BTreeMap;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoResponses, PartialSchema};

use super::{UNEXPECTED, header, problems};
use crate::http::schemas;

/// The answers of a cacheable read: the body, of `media_type`, with its validators and caching
/// headers (as `Representation::respond` sends them), or `304`.
pub(crate) fn cached_read(
    description: &str,
    media_type: &str,
    schema: RefOr<utoipa::openapi::schema::Schema>,
) -> BTreeMap<String, RefOr<Response>> {
    let ok = ResponseBuilder::new()
        .description(description)
        .content(
            media_type,
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .header(
            "ETag",
            header("Strong validator of this version in this content coding"),
        )
        .header(
            "Last-Modified",
            header("When it last changed (one-second resolution)"),
        )
        .header("Cache-Control", header("Caching policy, configurable"))
        .header("Vary", header("Accept-Encoding"))
        .build();
    let not_modified = ResponseBuilder::new()
        .description(
            "Not modified: the copy named in `If-None-Match` (or newer than \
             `If-Modified-Since`) is current",
        )
        .header("ETag", header("The current validator"))
        .header("Cache-Control", header("Caching policy, configurable"))
        .build();
    let mut responses = problems(&[("500", UNEXPECTED)]);
    responses.insert("200".to_owned(), ok.into());
    responses.insert("304".to_owned(), not_modified.into());
    responses
}

pub(crate) const NO_PAGE: &str = "No page has this id";

/// A read's answers, and `404` with `description` for what the path names but does not exist.
pub(crate) fn found_or_not(
    mut responses: BTreeMap<String, RefOr<Response>>,
    description: &str,
) -> BTreeMap<String, RefOr<Response>> {
    responses.extend(problems(&[("404", description)]));
    responses
}

/// `GET /sections`.
pub struct SectionsRead;

impl IntoResponses for SectionsRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let schema = Ref::from_schema_name(schemas::SECTIONS_DOCUMENT);
        cached_read("The page's sections", "application/json", schema.into())
    }
}

/// `GET /sections/{id}`.
pub struct SectionRead;

impl IntoResponses for SectionRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let schema = Ref::from_schema_name(schemas::SECTION);
        found_or_not(
            cached_read("The section", "application/json", schema.into()),
            "No section has this id",
        )
    }
}

/// `GET /export`.
pub struct ExportRead;

impl IntoResponses for ExportRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        cached_read(
            "The Hugo page file",
            "text/markdown; charset=utf-8",
            String::schema(),
        )
    }
}

/// `GET /pages`.
pub struct PagesRead;

impl IntoResponses for PagesRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let schema = Ref::from_schema_name(schemas::PAGE_LIST);
        let mut responses = cached_read(
            "One page of the list of pages",
            "application/json",
            schema.into(),
        );
        responses.extend(problems(&[("400", "`limit` is out of range")]));
        link_to_page(&mut responses, "200", "$response.body#/pages/0/id");
        responses
    }
}

/// `GET /pages/{id}`.
pub struct PageRead;

impl IntoResponses for PageRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let schema = Ref::from_schema_name(schemas::PAGE_DOCUMENT);
        let mut responses = found_or_not(
            cached_read("The page", "application/json", schema.into()),
            NO_PAGE,
        );
        // From a page to its first section, and so to the section's writes.
        if let Some(RefOr::T(ok)) = responses.get_mut("200") {
            let link = LinkBuilder::new()
                .operation_id("get_page_section")
                .parameter("path.id", "$request.path.id")
                .parameter("path.section", "$response.body#/sections/0/id")
                .description("Read the page's first section")
                .build();
            ok.links.insert("GetPageSection".to_owned(), RefOr::T(link));
        }
        responses
    }
}

/// A link from the answer with `status` to the page whose id is at `id` (a runtime expression),
/// for clients and stateful testers that follow a listed or created page.
pub(crate) fn link_to_page(
    responses: &mut BTreeMap<String, RefOr<Response>>,
    status: &str,
    id: &str,
) {
    if let Some(RefOr::T(response)) = responses.get_mut(status) {
        let link = LinkBuilder::new()
            .operation_id("get_page")
            .parameter("path.id", id)
            .description("Read the page")
            .build();
        response.links.insert("GetPage".to_owned(), RefOr::T(link));
    }
}

/// `GET /pages/{id}/body`.
pub struct BodyRead;

impl IntoResponses for BodyRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let body = cached_read(
            "The page's body, verbatim",
            "text/plain; charset=utf-8",
            String::schema(),
        );
        found_or_not(body, NO_PAGE)
    }
}

/// `GET /pages/{id}/export`.
pub struct PageExportRead;

impl IntoResponses for PageExportRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let file = cached_read(
            "The Hugo page file",
            "text/markdown; charset=utf-8",
            String::schema(),
        );
        found_or_not(file, NO_PAGE)
    }
}

/// `GET /site.tar`.
pub struct SiteExportRead;

impl IntoResponses for SiteExportRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let archive = utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_media_type("application/x-tar");
        cached_read(
            "Every page file under `content/`, as a tar archive",
            "application/x-tar",
            archive.into(),
        )
    }
}

/// `GET /model`.
pub struct ModelRead;

impl IntoResponses for ModelRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let schema = Ref::from_schema_name(schemas::MODEL_DOCUMENT);
        cached_read(
            "The active content model",
            "application/json",
            schema.into(),
        )
    }
}
