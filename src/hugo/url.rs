//! Where Hugo publishes a page: its URL under the site's base, from its file under `content/`.

use serde_json::{Map, Value};

/// The URL path Hugo publishes the page file `file` (a path under `content/`) at, with the
/// default permalinks and pretty URLs: the path without its extension as a folder, `_index`
/// and `index` files standing for their folder; lower-cased and with spaces as hyphens, as Hugo
/// makes paths (`disablePathToLower` is off by default); a `slug` in the front matter replaces
/// the last segment and a `url` replaces the whole path.
pub fn published(file: &str, meta: &Map<String, Value>) -> String {
    if let Some(url) = meta
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
    {
        return if url.starts_with('/') {
            url.to_owned()
        } else {
            format!("/{url}")
        };
    }
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let mut segments: Vec<String> = stem.split('/').map(hugo_segment).collect();
    let bundle = matches!(
        segments.last().map(String::as_str),
        Some("_index" | "index")
    );
    if bundle {
        segments.pop();
    } else if let Some(slug) = meta.get("slug").and_then(Value::as_str)
        && let Some(last) = segments.last_mut()
    {
        *last = hugo_segment(slug);
    }
    let mut url = String::from("/");
    for segment in segments.iter().filter(|s| !s.is_empty()) {
        url.push_str(segment);
        url.push('/');
    }
    url
}

fn hugo_segment(segment: &str) -> String {
    segment.trim().replace(' ', "-").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(file: &str) -> String {
        published(file, &Map::new())
    }

    #[test]
    fn pages_are_published_as_folders_lower_cased() {
        assert_eq!(url("_index.md"), "/");
        assert_eq!(url("community/_index.md"), "/community/");
        assert_eq!(url("products/workspaces.md"), "/products/workspaces/");
        assert_eq!(
            url("community/events/Gen3workshop.adoc"),
            "/community/events/gen3workshop/"
        );
        assert_eq!(url("blog/post/index.md"), "/blog/post/");
    }

    #[test]
    fn slug_and_url_override_the_path() {
        let meta = |key: &str, value: &str| {
            let mut map = Map::new();
            map.insert(key.to_owned(), Value::from(value));
            map
        };
        assert_eq!(
            published("news/a.md", &meta("slug", "Big News")),
            "/news/big-news/"
        );
        assert_eq!(published("news/a.md", &meta("url", "/x/y/")), "/x/y/");
    }
}
