//! `PUT` and `PATCH /sections/{id}`: editors' writes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, put, web};
use serde_json::Value;
use utoipa::ToSchema;

use crate::content::documents::Section;
use crate::content::representation::IfMatch;
use crate::content::snapshot::{ReadModel, Snapshot};
use crate::content::write;
use crate::http::auth::Editor;
use crate::http::error::{ApiError, MERGE_PATCH_JSON, Result};
use crate::http::routes::body::read_json;
use crate::http::routes::sections::SECTION_ID;
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::model::{Model, SectionContent};

/// A JSON Merge Patch (RFC 7396) of a section: members to set, `null` to remove an optional
/// one (`target`). Arrays such as `items` are replaced whole. The patch is merged onto the
/// current content and the result is validated exactly like a `PUT` body; error pointers refer
/// to that merged result.
#[derive(ToSchema)]
#[schema(as = SectionPatch, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"title": "A new headline"}))]
pub struct SectionPatch(#[allow(dead_code)] Value);

/// The `If-Match` a write needs, checked against what readers are served now: `428` without
/// one, `412` if it is stale. The write checks it again inside its transaction.
pub fn precondition(req: &HttpRequest, id: &str, read: &ReadModel) -> Result<IfMatch> {
    let precondition = IfMatch::from_request(req).ok_or(ApiError::PreconditionRequired)?;
    write::check(&read.load(), id, &precondition)?;
    Ok(precondition)
}

/// The response to a write: the section as it now is, with its new `ETag`.
pub fn written(req: &HttpRequest, snapshot: &Snapshot, id: &str) -> Result<HttpResponse> {
    let section = snapshot
        .section(id)
        .ok_or_else(|| super::sections::no_section(id))?;
    let mut response = section.respond_to_write(req);
    if let Ok(location) = header::HeaderValue::from_str(&format!("/sections/{id}")) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, location);
    }
    Ok(response)
}

/// Replace a section
///
/// The body is the section as `GET` returns it, edited: read-only fields (`id`, `position`,
/// `revision`, `updated_at`) may be left out and are ignored when present, except that an `id`
/// or `type` other than the section's is a `422`. Unknown fields are errors. Needs the `write`
/// scope and `If-Match` (an `ETag` of the version edited, or `*`). A body equal to the current
/// content changes nothing: same revision, same `ETag`.
#[utoipa::path(
    tag = "editing",
    operation_id = "put_section",
    params(("id" = String, Path, description = SECTION_ID), super::WriteHeaders),
    request_body(content = SectionContentSchema, content_type = "application/json"),
    security(("bearer" = [])),
    responses(super::WriteResponses),
)]
#[put("/sections/{id}")]
async fn put_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    // The body is the whole new content.
    write_from_body(
        editor,
        req,
        &id,
        body,
        "application/json",
        app,
        |body, _: &SectionContent| body,
    )
    .await
}

/// Change part of a section
///
/// A JSON Merge Patch (RFC 7396, `Content-Type: application/merge-patch+json`) merged onto the
/// section's current content; the result is validated exactly like a `PUT` body, and error
/// pointers refer to that merged result. Needs the `write` scope and `If-Match`.
#[utoipa::path(
    tag = "editing",
    operation_id = "patch_section",
    params(("id" = String, Path, description = SECTION_ID), super::WriteHeaders),
    request_body(content = SectionPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(super::WriteResponses),
)]
#[patch("/sections/{id}")]
async fn patch_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let merge = |patch: Value, current: &SectionContent| {
        let mut merged = current.to_value();
        json_patch::merge(&mut merged, &patch);
        merged
    };
    write_from_body(editor, req, &id, body, MERGE_PATCH_JSON, app, merge).await
}

/// A write whose new content is `document(body, current content)`, validated as a `PUT` body:
/// the checks in the contract's order, then one conditional transaction. The document is made
/// inside the transaction, from the content as it is there.
async fn write_from_body(
    editor: Editor,
    req: HttpRequest,
    id: &str,
    body: web::Payload,
    media_type: &'static str,
    app: App,
    document: impl FnOnce(Value, &SectionContent) -> Value,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, id, &app.read)?;
    let body = read_json(&req, body, media_type, &app.http).await?;
    let change = |model: &Model, current: &SectionContent| {
        let type_name = current.type_name().to_owned();
        Section::parse_body(model, id, &type_name, &document(body, current))
            .map_err(ApiError::InvalidFields)
    };
    let snapshot = write::write_section(
        &app.pool,
        &app.read,
        &app.metrics,
        id,
        &precondition,
        &editor.0.name,
        change,
    )
    .await?;
    written(&req, &snapshot, id)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(put_section).service(patch_section);
}
