//! Which files under `content/` can be pages, and their ids: the one rule that `POST /pages`, the
//! OpenAPI document and `import --site` share.

/// The longest path a page may have under `content/`, in characters, its extension included.
pub const PATH_MAX: usize = 255;

/// The longest folder or file name of a page's path, in bytes of UTF-8: what file systems allow
/// (`NAME_MAX`), so that `export --site` can write every page.
pub const SEGMENT_MAX_BYTES: usize = 255;

/// The extensions of the files Hugo renders as pages (with front matter).
pub const EXTENSIONS: [&str; 3] = ["md", "adoc", "html"];

/// The path's shape as a regular expression (ECMA 262, as OpenAPI states patterns): `/`-separated
/// names that do not start with a dot, without control characters, `\` or `%`, the last one
/// ending in a page extension. The lengths are [`PATH_MAX`] and [`SEGMENT_MAX_BYTES`].
pub const PATTERN: &str = "^(?:[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*/)*[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*\\.(?:md|adoc|html)$";

/// What [`page_id`] says of a path that cannot be a page's.
pub const RULE: &str = "must be a relative path under content/ of at most 255 characters, ending \
     in .md, .adoc or .html, whose folder and file names are not empty, do not start with a dot, \
     hold no control character, `\\` or `%`, and are at most 255 bytes each";

/// The id of the page in file `path` (its path under `content/`, `/`-separated): the path
/// without its extension; or [`RULE`] when the path cannot be a page's.
pub fn page_id(path: &str) -> Result<&str, &'static str> {
    let stem = EXTENSIONS
        .iter()
        .find_map(|ext| path.strip_suffix(ext)?.strip_suffix('.'))
        .ok_or(RULE)?;
    let names_ok = path.split('/').all(|name| {
        !name.is_empty()
            && !name.starts_with('.')
            && name.len() <= SEGMENT_MAX_BYTES
            && !name
                .chars()
                .any(|c| c.is_control() || c == '\\' || c == '%')
    });
    let last_ok = stem.rsplit('/').next().is_some_and(|name| !name.is_empty());
    if names_ok && last_ok && path.chars().count() <= PATH_MAX {
        Ok(stem)
    } else {
        Err(RULE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_and_their_ids() {
        assert_eq!(page_id("_index.md"), Ok("_index"));
        assert_eq!(page_id("community/news.md"), Ok("community/news"));
        assert_eq!(page_id("a/b/c.adoc"), Ok("a/b/c"));
        for bad in [
            "",
            ".md",
            "a/.md",
            "news.txt",
            "/abs.md",
            "a//b.md",
            "../x.md",
            "a/./b.md",
            ".hidden/x.md",
            "a\\b.md",
            "50%.md",
            "tab\t.md",
        ] {
            assert_eq!(page_id(bad), Err(RULE), "{bad:?}");
        }
    }

    #[test]
    fn the_limits_hold_at_their_edges() {
        let long = |n: usize| format!("{}.md", "a".repeat(n - 3));
        assert!(page_id(&long(PATH_MAX)).is_ok(), "one name of 255 bytes");
        assert!(page_id(&long(PATH_MAX + 1)).is_err());
        let deep = |n: usize| format!("{}/{}.md", "d".repeat(200), "a".repeat(n - 204));
        assert_eq!(deep(PATH_MAX).chars().count(), PATH_MAX);
        assert!(page_id(&deep(PATH_MAX)).is_ok());
        assert!(page_id(&deep(PATH_MAX + 1)).is_err());
        let wide = format!("{}.md", "é".repeat(127));
        assert!(page_id(&wide).is_err(), "{} bytes in one name", wide.len());
        assert!(page_id(&format!("{}.md", "é".repeat(126))).is_ok());
    }

    #[test]
    fn the_pattern_agrees_with_the_rule() {
        // The regex crate reads the pattern as ECMA 262 does for these classes.
        let pattern = regex::Regex::new(PATTERN).unwrap();
        for path in [
            "_index.md",
            "community/news.md",
            "a b/ç.html",
            ".md",
            "a/.x.md",
            "a//b.md",
            "x.txt",
            "50%.md",
            "/a.md",
            "a\u{85}b.md",
        ] {
            assert_eq!(
                pattern.is_match(path),
                page_id(path).is_ok(),
                "{path:?}: the pattern and the rule differ"
            );
        }
    }
}
