//! `GET /sections` and `GET /sections/{id}`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::domain::{PageMeta, SectionContent, SectionId, Timestamp};
use crate::error::{ApiError, Problem, Result, excerpt};
use crate::routes::HttpSettings;
use crate::snapshot::ReadModel;
use crate::store::Version;

/// A section of the landing page: its system fields, then its content, whose `type` tells which of
/// the nine section types it is.
#[derive(Debug, Clone, ToSchema)]
pub struct SectionResource {
    /// The section's id; each section type occurs once, so the id equals the type.
    #[schema(read_only)]
    pub id: SectionId,
    /// 1-based place on the page.
    #[schema(read_only, minimum = 1, maximum = 9)]
    pub position: u32,
    /// Incremented by every change; revision 1 is the seed.
    #[schema(read_only, minimum = 1)]
    pub revision: i64,
    /// When the current revision was stored.
    #[schema(read_only)]
    pub updated_at: Timestamp,
    #[serde(flatten)]
    pub content: SectionContent,
}

/// By hand for the contract's key order: `id`, `type`, the other system fields, then the content.
/// (The derived form would put `type` among the content fields.) Runs once per change.
impl Serialize for SectionResource {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let serde_json::Value::Object(content) = self.content.to_value() else {
            return Err(serde::ser::Error::custom(
                "section content is always an object",
            ));
        };
        let mut map = serializer.serialize_map(Some(content.len() + 4))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("type", &content["type"])?;
        map.serialize_entry("position", &self.position)?;
        map.serialize_entry("revision", &self.revision)?;
        map.serialize_entry("updated_at", &self.updated_at)?;
        for (key, value) in content.iter().filter(|(key, _)| *key != "type") {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl SectionResource {
    pub fn new(id: SectionId, version: Version, content: SectionContent) -> Self {
        Self {
            id,
            position: id.position(),
            revision: version.revision,
            updated_at: version.updated_at,
            content,
        }
    }
}

/// The whole landing page: its metadata and its nine sections in page order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionsDocument {
    pub page: PageMeta,
    pub sections: Vec<SectionResource>,
}

/// List every section, in page order
///
/// The nine sections with their system fields, plus the page's metadata. Cacheable: send the
/// `ETag` back in `If-None-Match` to get a `304`.
#[utoipa::path(
    tag = "sections",
    operation_id = "list_sections",
    params(super::ConditionalHeaders),
    responses(
        (status = 200, description = "The page's sections", body = SectionsDocument,
            headers(
                ("ETag" = String, description = "Strong validator of this version in this content coding"),
                ("Last-Modified" = String, description = "When it last changed (one-second resolution)"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
                ("Vary" = String, description = "Accept-Encoding"),
            )),
        (status = 304, description = "Not modified: the copy named in `If-None-Match` (or newer than `If-Modified-Since`) is current",
            headers(
                ("ETag" = String, description = "The current validator"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
            )),
        (status = 500, description = "Unexpected error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sections")]
async fn list_sections(
    req: HttpRequest,
    read: web::Data<ReadModel>,
    http: web::Data<HttpSettings>,
) -> HttpResponse {
    read.load().collection().respond(&req, &http.cache_control)
}

/// Get one section
///
/// Same shape as an element of `GET /sections`; its `ETag` changes only when this section does.
#[utoipa::path(
    tag = "sections",
    operation_id = "get_section",
    params(("id" = SectionId, Path, description = "The section's id"), super::ConditionalHeaders),
    responses(
        (status = 200, description = "The section", body = SectionResource,
            headers(
                ("ETag" = String, description = "Strong validator of this version in this content coding"),
                ("Last-Modified" = String, description = "When it last changed (one-second resolution)"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
                ("Vary" = String, description = "Accept-Encoding"),
            )),
        (status = 304, description = "Not modified", headers(
                ("ETag" = String, description = "The current validator"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
            )),
        (status = 404, description = "No section has this id", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Unexpected error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sections/{id}")]
async fn get_section(
    req: HttpRequest,
    id: web::Path<String>,
    read: web::Data<ReadModel>,
    http: web::Data<HttpSettings>,
) -> Result<HttpResponse> {
    let id = parse_id(&id)?;
    Ok(read.load().section(id).respond(&req, &http.cache_control))
}

pub fn parse_id(name: &str) -> Result<SectionId> {
    SectionId::from_name(name)
        .ok_or_else(|| ApiError::NotFound(format!("there is no section named {:?}", excerpt(name))))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sections).service(get_section);
}
