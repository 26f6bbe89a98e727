//! The OpenAPI document: info, tags and shared schemas here; every operation comes from the
//! `#[utoipa::path]` beside its handler, collected by the same `configure` the server runs.

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{PathItem, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::http::problem::Problem;
use crate::http::routes::change_sets::ChangeSetList;
use crate::http::routes::change_sets::documents::ChangeSetDocument;
use crate::http::routes::webhooks::{DeliveryList, WebhookList};
use crate::http::schemas;
use crate::model::{FieldError, Model};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gen3-content",
        description = "Every page of the Gen3 data-platform website (a Hugo site) as typed \
                       resources: each page's metadata, its sections (typed by the active content \
                       model, `GET /model`) and its body; `/sections` is the landing page's. \
                       Reads are public and cacheable (strong ETags, 304, gzip and br); edits \
                       need a token and `If-Match`, keep every revision, and can be grouped in \
                       change sets, previewed with Hugo and published together. Every error is \
                       an RFC 9457 `application/problem+json` document."
    ),
    tags(
        (name = "pages", description = "Every page of the site: the list, each page with its metadata and sections, its body, and the content model that types them"),
        (name = "sections", description = "The landing page's sections (`/sections`), the same resources as `/pages/_index/sections`"),
        (name = "editing", description = "Changing pages (metadata, sections, body) and creating or deleting them: a `write` token and `If-Match` on every write"),
        (name = "history", description = "Every revision of every page and section, with author and time; restoring one is a new revision"),
        (name = "export", description = "Pages as Hugo page files, one or the whole `content/` folder, for building the site"),
        (name = "events", description = "Published changes as they happen (Server-Sent Events)"),
        (name = "webhooks", description = "The delivery log of the rebuild hooks every publish is sent to (added with `gen3-content webhook add`)"),
        (name = "change sets", description = "Edits kept apart from what is live, previewed and published together: `?changeset={id}` on any read or write of content"),
        (name = "operations", description = "Health and version, as every Gen3 service has them"),
    ),
    // The read responses name these by reference (routes::cached_read); the content's schemas
    // come from the content model (`schemas`).
    components(schemas(
        Problem,
        FieldError,
        ChangeSetDocument,
        ChangeSetList,
        WebhookList,
        DeliveryList
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The `bearer` security scheme that writes and history reads name. Swagger UI's "Authorize"
/// button takes a token for it.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("g3c_ followed by 64 hex digits")
            .description(Some(
                "A token from `gen3-content token create`. `read` scope: history; `preview`: \
                 history and change sets' views (`?changeset=`); `write`: all of that and \
                 every write; `deploy`: reports on builds only.",
            ))
            .build();
        api.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document exactly as the server serves it at `/openapi.json`, for the content model
/// `model`.
pub fn openapi(model: &Model) -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::http::routes::configure)
        .split_for_parts();
    let mut api = api;
    schemas::add_content_schemas(&mut api, model);
    name_section_ids(&mut api, model);
    link_writes(&mut api);
    document_change_sets(&mut api);
    api
}

/// What `?changeset=` adds to every operation that lists it (`responses::InChangeSet`): the
/// problems a change set's view can answer with, a `409` for a write into a closed change set,
/// and on a public read the `bearer` alternative (a `preview` token reads a change set).
fn document_change_sets(api: &mut utoipa::openapi::OpenApi) {
    let added = crate::http::responses::change_set_problems();
    let closed = crate::http::responses::closed_change_set_problem();
    for item in api.paths.paths.values_mut() {
        let PathItem {
            get,
            put,
            patch,
            post,
            delete,
            ..
        } = item;
        let reads = get.iter_mut().map(|op| (op, false));
        let writes = [put, patch, post, delete]
            .into_iter()
            .flatten()
            .map(|op| (op, true));
        for (operation, write) in reads.chain(writes) {
            let in_change_set = operation.parameters.iter().flatten().any(|parameter| {
                matches!(parameter, RefOr::T(parameter)
                    if parameter.name == crate::http::view::PARAMETER)
            });
            if !in_change_set {
                continue;
            }
            if write {
                // A write that has conflicts of its own names this one too.
                match operation.responses.responses.get_mut("409") {
                    Some(RefOr::T(conflict)) => {
                        conflict.description = format!(
                            "{}; or `changeset` names a change set that was published or \
                             discarded",
                            conflict.description.trim_end_matches('.')
                        );
                    }
                    Some(RefOr::Ref(_)) => {}
                    None => {
                        operation
                            .responses
                            .responses
                            .insert("409".to_owned(), closed.clone());
                    }
                }
            }
            for (status, response) in &added {
                operation
                    .responses
                    .responses
                    .entry(status.clone())
                    .or_insert_with(|| response.clone());
            }
            if operation.security.is_none() {
                // Public without the parameter; a `preview` token with it.
                let public = utoipa::openapi::security::SecurityRequirement::default();
                let bearer = utoipa::openapi::security::SecurityRequirement::new::<
                    &str,
                    [&str; 0],
                    &str,
                >("bearer", []);
                operation.security = Some(vec![public, bearer]);
            }
        }
    }
}

/// The section `id` of every `/sections/{id}…` path as the content model names the landing
/// page's own sections (an `enum`, so that clients and fuzzers know the ids there are); a plain
/// id pattern when the model gives the landing page no sections of its own.
fn name_section_ids(api: &mut utoipa::openapi::OpenApi, model: &Model) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let ids: Vec<&str> = model
        .pages
        .get(crate::content::read::stored::LANDING)
        .map(|page| {
            page.sections
                .values()
                .map(|rule| rule.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[a-z][a-z0-9-]*$"));
    if !ids.is_empty() {
        schema = schema.enum_values(Some(ids));
    }
    let schema: RefOr<utoipa::openapi::schema::Schema> = schema.into();
    for (path, item) in api.paths.paths.iter_mut() {
        if !path.starts_with("/sections/{id}") {
            continue;
        }
        let PathItem {
            get,
            put,
            patch,
            post,
            ..
        } = item;
        for operation in [get, put, patch, post].into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(parameter) = parameter
                    && parameter.name == "id"
                {
                    parameter.schema = Some(schema.clone());
                }
            }
        }
    }
}

/// OpenAPI links from every answer that carries an `ETag` (a GET, and the writes themselves) to
/// the writes it enables: the same path parameters, with that `ETag` as `If-Match`. Client
/// generators and stateful testers (schemathesis) follow them to chain a read and its edits
/// (the links from a listed or created page to the page are the responses' own, `reads`).
fn link_writes(api: &mut utoipa::openapi::OpenApi) {
    // Each write that takes `If-Match`, under the resource whose `ETag` it is checked against:
    // its own path, or the nearest above it by literal segments (`/pages/{id}/order` is the
    // page's), that answers a `GET` with an `ETag` and has the same path parameters.
    let mut owned: Vec<(String, Vec<String>)> = Vec::new();
    for (path, item) in &api.paths.paths {
        let writes = [&item.put, &item.patch, &item.post, &item.delete]
            .into_iter()
            .flatten()
            .filter(|op| takes_if_match(op))
            .filter_map(|op| op.operation_id.clone());
        for write in writes {
            let Some(owner) = owner_of(api, path) else {
                continue;
            };
            match owned.iter_mut().find(|(path, _)| *path == owner) {
                Some((_, writes)) => writes.push(write),
                None => owned.push((owner, vec![write])),
            }
        }
    }
    for (path, writes) in owned {
        let parameters = path_parameters(&path);
        let Some(item) = api.paths.paths.get_mut(&path) else {
            continue;
        };
        let PathItem {
            get, put, patch, ..
        } = item;
        for operation in [get, put, patch].into_iter().flatten() {
            let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
                continue;
            };
            for write in &writes {
                let mut link = LinkBuilder::new().operation_id(write).description(format!(
                    "Write what was just read or written, with its new `ETag` as `If-Match` ({write})"
                ));
                for parameter in &parameters {
                    link = link.parameter(
                        format!("path.{parameter}"),
                        format!("$request.path.{parameter}"),
                    );
                }
                let link = link.parameter("header.If-Match", "$response.header.ETag");
                ok.links.insert(pascal_case(write), RefOr::T(link.build()));
            }
        }
    }
}

/// Whether `operation` takes an `If-Match` header.
fn takes_if_match(operation: &utoipa::openapi::path::Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| {
        matches!(parameter, RefOr::T(parameter) if parameter.name == "If-Match"
            && matches!(parameter.parameter_in, utoipa::openapi::path::ParameterIn::Header))
    })
}

/// The resource a write at `path` changes: `path`, or the nearest path above it by literal
/// segments, whose `GET` answers with an `ETag` and that has the same path parameters.
fn owner_of(api: &utoipa::openapi::OpenApi, path: &str) -> Option<String> {
    let mut candidate = path;
    loop {
        let readable = api
            .paths
            .paths
            .get(candidate)
            .and_then(|item| item.get.as_ref())
            .and_then(|get| match get.responses.responses.get("200") {
                Some(RefOr::T(ok)) => Some(ok.headers.contains_key("ETag")),
                _ => None,
            })
            .unwrap_or(false);
        if readable {
            return (path_parameters(candidate) == path_parameters(path))
                .then(|| candidate.to_owned());
        }
        let (above, last) = candidate.rsplit_once('/')?;
        if last.starts_with('{') || above.is_empty() {
            return None;
        }
        candidate = above;
    }
}

/// The names of `path`'s parameters, in order.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// `PutPageSection` of `put_page_section`: a link's name.
fn pascal_case(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
