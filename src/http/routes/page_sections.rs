//! Writes that change a page's list of sections: a section added or removed, the order.

use actix_web::http::header::{self};
use actix_web::{HttpRequest, HttpResponse, delete, post, put, web};
use serde_json::Value;
use utoipa::ToSchema;

use crate::content::read::stored::Stored;
use crate::content::write::{Target, WriteError};
use crate::http::auth::Editor;
use crate::http::error::{ApiError, Result};
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::body::read_json;
use crate::http::routes::page_edits::{new_section, page_written};
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema};
use crate::http::routes::sections::SECTION_ID;
use crate::http::routes::writes::{located, precondition, section_url, writer, written};
use crate::http::state::App;
use crate::model::{FieldError, Page, Pointer};

/// A section to add: the section as `GET` returns it (with `id` and `type`), and where.
#[derive(ToSchema)]
#[schema(as = NewSection, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"id": "teaser", "type": "page-teaser", "position": 1, "title": "…"}))]
pub struct NewSection(#[allow(dead_code)] Value);

/// Add a section to a page
///
/// The body is the section (with `id`, one the content model has for this page, and its
/// `type`), and optionally `position` (1-based; default, or past the last: last). `201` with
/// `Location`. Needs the `write` scope and `If-Match` (the page's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "add_page_section",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = NewSection, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::AddSectionResponses),
)]
#[post("/pages/{id:.+}/sections")]
pub(super) async fn add_page_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let mut added = String::new();
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |model, stored| {
                let mut errors = Vec::new();
                let section = new_section(model, &id, &body, &Pointer::root(), &mut errors);
                let count = stored.page.sections().len();
                // Past the end is the end: where a section goes is the page's to say, so a
                // position is a request, as its schema can state it (a whole number from 1).
                let position = match body.get("position") {
                    None => Some(count + 1),
                    Some(p) => p
                        .as_u64()
                        .filter(|p| *p >= 1)
                        .map(|p| usize::try_from(p).unwrap_or(usize::MAX).min(count + 1)),
                };
                let Some(position) = position else {
                    errors.push(FieldError {
                        pointer: "/position".to_owned(),
                        detail: "must be a whole number from 1 (past the last section: last)"
                            .to_owned(),
                    });
                    return Err(ApiError::InvalidFields(errors));
                };
                let Some(section) = section.filter(|_| errors.is_empty()) else {
                    return Err(ApiError::InvalidFields(errors));
                };
                added = section.id.clone();
                let mut next = stored.page.clone();
                if !next.insert_section(position - 1, section) {
                    return Err(WriteError::Conflict(format!(
                        "the page already has section {added}: write to it instead"
                    ))
                    .into());
                }
                Ok(next)
            },
        )
        .await?;
    let url = section_url(&id, &added, false);
    let mut response = written(&req, &snapshot, &added, &url)?;
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(located(response, header::LOCATION, &url))
}

/// Remove a section from a page
///
/// The section is taken off the page (its history stays; restoring a page revision that had
/// it, or adding it again, brings it back). Refused with `422` if the body uses it, or if the
/// content model requires it on this page. Needs the `write` scope and `If-Match` (the
/// section's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "remove_page_section",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::WriteHeaders,
        InChangeSet,
    ),
    security(("bearer" = [])),
    responses(responses::DeleteResponses),
)]
#[delete("/pages/{id:.+}/sections/{section}")]
pub(super) async fn remove_page_section(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, section) = path.into_inner();
    let target = Target::Section(&section);
    let precondition = precondition(&req, &app, &id, target).await?;
    writer(&app, &req)?
        .write(&id, target, &precondition, &editor.0.name, |_, stored| {
            let mut next = stored.page.clone();
            next.remove_section(&section);
            Ok::<_, ApiError>(next)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reorder a page's sections
///
/// The body is every section id of the page, once each, in the new order. Needs the `write`
/// scope and `If-Match` (the page's `ETag`). Answers with the page.
#[utoipa::path(
    tag = "editing",
    operation_id = "reorder_page_sections",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = Vec<String>, content_type = "application/json", example = json!(["teaser", "features"])),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[put("/pages/{id:.+}/order")]
pub(super) async fn reorder_page_sections(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |_, stored: &Stored| {
                let ids = order_of(&body, &stored.page)?;
                let mut next = stored.page.clone();
                next.reorder(&ids);
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    Ok(page_written(&req, &snapshot))
}

/// The section ids of a reorder body: each of the page's sections once, or `422` per problem.
pub(super) fn order_of<'b>(body: &'b Value, page: &Page) -> Result<Vec<&'b str>> {
    let invalid = |pointer: String, detail: String| {
        ApiError::InvalidFields(vec![FieldError { pointer, detail }])
    };
    let Some(items) = body.as_array() else {
        return Err(invalid(
            String::new(),
            "must be an array of the page's section ids".to_owned(),
        ));
    };
    let mut ids: Vec<&str> = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (at, item) in items.iter().enumerate() {
        let pointer = Pointer::root().child(at).as_str().to_owned();
        match item.as_str() {
            Some(id) if ids.contains(&id) => errors.push(FieldError {
                pointer,
                detail: "names a section twice".to_owned(),
            }),
            Some(id) if page.section(id).is_some() => ids.push(id),
            _ => errors.push(FieldError {
                pointer,
                detail: "is not a section id of this page".to_owned(),
            }),
        }
    }
    if errors.is_empty() && ids.len() != page.sections().len() {
        let missing: Vec<&str> = page
            .sections()
            .iter()
            .map(|s| s.id.as_str())
            .filter(|id| !ids.contains(id))
            .collect();
        errors.push(FieldError {
            pointer: String::new(),
            detail: format!(
                "must name every section of the page; missing: {}",
                missing.join(", ")
            ),
        });
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}
