//! Writes that change a page as a whole: its body, its metadata, and pages made and deleted.

use actix_web::http::header::{self};
use actix_web::{HttpRequest, HttpResponse, delete, patch, post, put, web};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::content::read::documents::Section;
use crate::content::read::snapshot::{PAGE_FIELDS, PageSnapshot};
use crate::content::write::Target;
use crate::http::auth::Editor;
use crate::http::error::{ApiError, MERGE_PATCH_JSON, Result};
use crate::http::problem::excerpt;
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::body::{read_json, read_text, typed};
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema, page_path, whole_page};
use crate::http::routes::writes::{located, precondition, writer};
use crate::http::state::App;
use crate::hugo;
use crate::model::{Errors, FieldError, Model, Page, PageSection, Pointer};

/// The response to a write of a page as a whole: the page document, with its new `ETag`.
pub(super) fn page_written(req: &HttpRequest, snapshot: &PageSnapshot) -> HttpResponse {
    let url = page_path(&snapshot.stored().id);
    located(
        snapshot.document().respond_to_write(req),
        header::CONTENT_LOCATION,
        &url,
    )
}

/// Replace a page's body
///
/// The new body as `text/plain` (UTF-8), verbatim. Needs the `write` scope and `If-Match` (the
/// body's `ETag`). A body that asks for something the page does not have (a `param` key that is
/// missing) is a `422` at `/body` naming the line.
#[utoipa::path(
    tag = "editing",
    operation_id = "put_page_body",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = String, content_type = "text/plain"),
    security(("bearer" = [])),
    responses(responses::BodyWriteResponses),
)]
#[put("/pages/{id:.+}/body")]
pub(super) async fn put_page_body(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Body).await?;
    let text = read_text(&req, body, &app.http).await?;
    if text.contains('\0') {
        return Err(ApiError::InvalidFields(vec![FieldError {
            pointer: "/body".to_owned(),
            detail: "must not contain NUL characters".to_owned(),
        }]));
    }
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Body,
            &precondition,
            &editor.0.name,
            |_, stored| {
                let mut next = stored.page.clone();
                next.body = text.clone();
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    let url = format!("{}/body", page_path(&id));
    Ok(located(
        snapshot.body().respond_to_write(&req),
        header::CONTENT_LOCATION,
        &url,
    ))
}

/// Change a page's metadata
///
/// A JSON Merge Patch (RFC 7396) of the page's metadata (`title`, `date`, `draft`, …: the
/// `page` of `GET /pages/{id}` without `id`, `path` and `url`); `null` removes an optional key.
/// The result is checked against the content model; error pointers are into the merged
/// metadata. Needs the `write` scope and `If-Match` (the page's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "patch_page",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = MetadataPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[patch("/pages/{id:.+}", guard = "whole_page")]
pub(super) async fn patch_page(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let patch = read_json(&req, body, MERGE_PATCH_JSON, &app.http).await?;
    if !patch.is_object() {
        return Err(ApiError::InvalidFields(vec![FieldError {
            pointer: String::new(),
            detail: "must be an object of metadata keys".to_owned(),
        }]));
    }
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |_, stored| {
                let mut merged = Value::Object(stored.page.meta.clone());
                let mut patch = patch.clone();
                // The page's system fields are not metadata: sent back as read, they are ignored.
                if let Value::Object(members) = &mut patch {
                    members.retain(|key, _| !PAGE_FIELDS.contains(&key.as_str()));
                }
                json_patch::merge(&mut merged, &patch);
                let mut next = stored.page.clone();
                next.meta = match merged {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    Ok(page_written(&req, &snapshot))
}

/// A merge patch of a page's metadata.
#[derive(ToSchema)]
#[schema(as = MetadataPatch, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"title": "Gen3 Workspaces"}))]
pub struct MetadataPatch(#[allow(dead_code)] Value);

/// A new page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    /// Its file under `content/` (`community/news.md`); the page's id is this path without the
    /// extension. `.md`, `.adoc` or `.html`; at most 255 characters, each folder or file name at
    /// most 255 bytes of UTF-8, none starting with a dot. Hugo must publish it at a URL no other
    /// page has (`409` names the page that has it: paths that differ only in case, or `a/b.md`
    /// and `a/b/index.md`, share one).
    #[schema(
        examples("community/news.md"),
        min_length = 4,
        max_length = 255,
        // `hugo::path::PATTERN`, which the server checks (a test keeps the two equal).
        pattern = "^(?:[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*/)*[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*\\.(?:md|adoc|html)$"
    )]
    path: String,
    /// Its metadata, as the content model has it for this page.
    #[serde(default)]
    #[schema(value_type = Object)]
    page: Map<String, Value>,
    /// Its sections in page order, each as a `POST /pages/{id}/sections` body (with `id` and
    /// `type`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    sections: Vec<Value>,
    /// Its body, verbatim.
    #[serde(default)]
    body: String,
    /// The format its front matter is written in, and kept in through every edit: `yaml`
    /// (the default), `toml` or `json`.
    #[serde(default)]
    #[schema(nullable = false)]
    format: Option<hugo::Format>,
}

/// A section of a request body (with `id` and `type`) as it goes on page `page` under `model`,
/// errors pointing under `at`.
pub(super) fn new_section(
    model: &Model,
    page: &str,
    body: &Value,
    at: &Pointer,
    errors: &mut Vec<FieldError>,
) -> Option<PageSection> {
    let mut push = |pointer: Pointer, detail: String| {
        errors.push(FieldError {
            pointer: pointer.as_str().to_owned(),
            detail,
        })
    };
    let Some(fields) = body.as_object() else {
        push(
            at.clone(),
            "must be an object: a section with `id` and `type`".to_owned(),
        );
        return None;
    };
    let Some(id) = fields.get("id").and_then(Value::as_str) else {
        push(
            at.child("id"),
            "is required: the id of the section to add".to_owned(),
        );
        return None;
    };
    let Some((key, rule)) = model.section_key(page, id) else {
        push(
            at.child("id"),
            format!(
                "the content model has no section {:?} for this page",
                excerpt(id)
            ),
        );
        return None;
    };
    let mut content = fields.clone();
    content.remove("position");
    match Section::parse_body(model, id, &rule.type_name, &Value::Object(content)) {
        Ok(content) => Some(PageSection {
            key: key.to_owned(),
            id: id.to_owned(),
            content,
        }),
        Err(found) => {
            errors.extend(found.into_iter().map(|e| FieldError {
                pointer: format!("{}{}", at.as_str(), e.pointer),
                detail: e.detail,
            }));
            None
        }
    }
}

/// Create a page
///
/// A new page of the site, from its file path, metadata, sections and body, checked like any
/// write. `201` with `Location`. A page that was deleted comes back this way, its history kept.
/// Needs the `write` scope.
#[utoipa::path(
    tag = "editing",
    operation_id = "create_page",
    params(InChangeSet),
    request_body(content = NewPage, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::CreateResponses),
)]
#[post("/pages")]
pub(super) async fn create_page(
    editor: Editor,
    req: HttpRequest,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let input: NewPage = typed(body, "a new page")?;
    let id = hugo::path::page_id(&input.path).map_err(|detail| {
        ApiError::InvalidFields(vec![FieldError {
            pointer: "/path".to_owned(),
            detail: detail.to_owned(),
        }])
    })?;
    let model = app.read.load().model().clone();
    let mut errors = Vec::new();
    let mut sections = Vec::new();
    for (at, section) in input.sections.iter().enumerate() {
        let at = Pointer::root().child("sections").child(at);
        if let Some(section) = new_section(&model, id, section, &at, &mut errors) {
            if sections.iter().any(|s: &PageSection| s.id == section.id) {
                errors.push(FieldError {
                    pointer: at.child("id").as_str().to_owned(),
                    detail: "names a section already on the page".to_owned(),
                });
            }
            sections.push(section);
        }
    }
    let mut meta_errors = Errors::default();
    model.check_metadata(id, &input.page, &mut meta_errors);
    errors.extend(meta_errors.into_vec().into_iter().map(|e| FieldError {
        pointer: format!("/page{}", e.pointer),
        detail: e.detail,
    }));
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let page = Page::new(input.page, input.body, sections);
    let writer = writer(&app, &req)?;
    let snapshot = writer
        .create(id, &input.path, &page, input.format, &editor.0.name)
        .await?;
    let mut response = page_written(&req, &snapshot);
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(located(response, header::LOCATION, &page_path(id)))
}

/// Delete a page
///
/// The page is no longer part of the site (reads answer `404`, the export leaves it out); its
/// history stays, and restoring one of its revisions (or creating it again) brings it back.
/// Needs the `write` scope and `If-Match` (the page's `ETag`). The landing page cannot be
/// deleted (`409`).
#[utoipa::path(
    tag = "editing",
    operation_id = "delete_page",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::WriteHeaders, InChangeSet),
    security(("bearer" = [])),
    responses(responses::DeleteResponses),
)]
#[delete("/pages/{id:.+}", guard = "whole_page")]
pub(super) async fn delete_page(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    writer(&app, &req)?
        .delete(&id, &precondition, &editor.0.name)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_document_states_the_path_rule_the_server_checks() {
        let schema = serde_json::to_value(NewPage::schema()).unwrap();
        let path = &schema["properties"]["path"];
        assert_eq!(path["pattern"], hugo::path::PATTERN);
        assert_eq!(path["maxLength"], hugo::path::PATH_MAX);
    }
}
