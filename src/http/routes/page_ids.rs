//! How the API names a page: the id in a path (described once for every route that takes one),
//! the URL path of a page, and a page of the site or the `404` that says there is none.

use std::sync::Arc;

use actix_web::guard::GuardContext;

use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::http::error::{ApiError, Result};
use crate::http::problem::excerpt;

/// The description of a page id in a path.
pub const PAGE_ID: &str = "The page's id: its path under `content/` without the extension \
     (`_index`, `products/workspaces`), so at most 252 characters (see `NewPage.path` for the \
     rule). It contains `/`: send it percent-encoded (`products%2Fworkspaces`) or as plain \
     segments.";

/// The schema of a page id in a path: a non-empty string of at most `PATH_MAX` characters with
/// its extension (`.md` the shortest), the landing page (the one page every database has) its
/// first example. Path parameters name it `inline(PageIdSchema)`.
pub struct PageIdSchema;

impl utoipa::PartialSchema for PageIdSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(crate::hugo::path::PATH_MAX - ".md".len()))
            .examples(["_index", "products/workspaces"])
            .into()
    }
}

impl utoipa::ToSchema for PageIdSchema {}

/// The URL path of page `id`, its id percent-encoded as one segment.
pub fn page_path(id: &str) -> String {
    let mut path = String::from("/pages/");
    for byte in id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                path.push(byte as char)
            }
            other => path.push_str(&format!("%{other:02X}")),
        }
    }
    path
}

/// `404` for a page the site does not have.
pub fn no_page(id: &str) -> ApiError {
    ApiError::NotFound(format!("there is no page {:?}", excerpt(id)))
}

/// Page `id` of `site`, or `404`.
pub fn live_page<'s>(site: &'s Site, id: &str) -> Result<&'s Arc<PageSnapshot>> {
    site.page(id).ok_or_else(|| no_page(id))
}

/// Whether a `/pages/{id:.+}` route should take this request: not when the path ends in one of
/// the page's sub-resources, which have routes of their own (and their own `405`s).
pub(super) fn whole_page(ctx: &GuardContext<'_>) -> bool {
    let path = ctx.head().uri.path();
    let rest = path.strip_prefix("/pages/").unwrap_or(path);
    // From the end: `…/x`, `…/sections/x`, `…/sections/x/revisions` (the id comes first).
    let mut segments = rest.rsplit('/');
    let last = segments.next().unwrap_or_default();
    let (second, third, fourth) = (segments.next(), segments.next(), segments.next());
    !(matches!(
        last,
        "body" | "export" | "order" | "sections" | "revisions" | "restore"
    ) || (matches!(second, Some("sections" | "revisions")) && third.is_some())
        || (third == Some("sections") && fourth.is_some()))
}
