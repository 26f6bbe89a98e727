//! What storing a page writes, worked out from the page as it was and as it is to be, with no
//! reads: the rows of its new page revision (and of each section's new revision or place), what
//! the revision changed, and the page as it is stored afterwards, which the read model is built
//! from. The write path never reads back what it has just written.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::content::read::stored::{Stored, Version};
use crate::model::{Page, Timestamp};
use crate::storage::publish::{PageRows, SectionRows};

/// The page as it was, as far as the write is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Before<'a> {
    /// Never stored.
    New,
    /// Stored: part of the site, or deleted (`deleted`), which storing it again undoes. Its
    /// page revision is the one the database must still name (the write checks it).
    Stored { page: &'a Stored, deleted: bool },
}

impl Before<'_> {
    fn stored(&self) -> Option<&Stored> {
        match self {
            Self::New => None,
            Self::Stored { page, .. } => Some(page),
        }
    }
}

/// What storing one page changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replaced {
    /// The page was not part of the site (new, or deleted): it is now.
    pub created: bool,
    /// The sections that got a new revision, or were added, in page order.
    pub changed: Vec<String>,
    /// The sections the page no longer has (their history stays).
    pub removed: Vec<String>,
    /// How many sections are as they were.
    pub unchanged: usize,
    /// Whether the page's metadata or body changed.
    pub page_changed: bool,
    /// Only where its sections stand (their order, their keys) changed.
    pub rearranged: bool,
    /// The page revision now current.
    pub revision: i64,
}

impl Replaced {
    pub fn any(&self) -> bool {
        self.created
            || self.page_changed
            || self.rearranged
            || !self.changed.is_empty()
            || !self.removed.is_empty()
    }
}

/// A page write, worked out.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The rows to write (`None`: nothing changed).
    pub rows: Option<PageRows>,
    /// Only the file's name or text changed, which no revision records: the page row keeps it.
    pub file_only: bool,
    pub replaced: Replaced,
    /// The page as stored afterwards (`None`: deleted).
    pub stored: Option<Stored>,
}

/// Sections a write adds to a page that the page had before (taken off it since, their history
/// kept), with their last revisions: a re-added section continues its history. Needed only when
/// [`needs_history`] says so.
pub type Retired = HashMap<String, i64>;

/// Whether storing `next` over `before` adds a section the page has not got now: then the
/// revisions of the sections it once had are needed ([`Retired`]).
pub fn needs_history(before: Before<'_>, next: &Page) -> bool {
    match before.stored() {
        None => false,
        Some(stored) => next
            .sections()
            .iter()
            .any(|s| stored.page.position(&s.id).is_none()),
    }
}

/// Storing `next` as page `id` (from file `file`; `source`: the file's text to keep, `None`
/// keeps what is stored) over `before`, by `author` at `now`.
pub fn store(
    before: Before<'_>,
    retired: &Retired,
    (id, file, source): (&str, &str, Option<&str>),
    next: &Page,
    author: &str,
    now: Timestamp,
) -> Planned {
    let at = now.to_rfc3339();
    let mut replaced = Replaced::default();
    let mut changes: Vec<String> = Vec::new();
    let was = before.stored();
    let (metadata, body) = match before {
        Before::New => {
            replaced.created = true;
            changes.push("created".to_owned());
            (true, true)
        }
        Before::Stored { page, deleted } => {
            if deleted {
                replaced.created = true;
                changes.push("restored".to_owned());
            }
            let metadata = page.page.meta != next.meta;
            let body = page.page.body != next.body;
            if metadata {
                changes.push("/page".to_owned());
            }
            if body {
                changes.push("/body".to_owned());
            }
            (metadata, body)
        }
    };
    replaced.page_changed = metadata || body;

    let mut sections = Vec::new();
    let mut versions = Vec::with_capacity(next.sections().len());
    let mut layout = Vec::with_capacity(next.sections().len());
    let had = was.map_or(&[][..], |p| p.page.sections());
    let mut moved = had.len() != next.sections().len();
    for (at_index, section) in next.sections().iter().enumerate() {
        let position = at_index as i64 + 1;
        let kind = section.content.type_name();
        let old = was.and_then(|p| p.page.position(&section.id).map(|i| (i, p)));
        let (version, row) = match old {
            None => {
                let revision = retired.get(&section.id).map_or(1, |r| r + 1);
                replaced.changed.push(section.id.clone());
                if was.is_some() {
                    changes.push(format!("/sections/{}", section.id));
                }
                moved = true;
                let row = SectionRows {
                    id: section.id.clone(),
                    key: section.key.clone(),
                    kind: kind.to_owned(),
                    position: Some(position),
                    revision,
                    content: Some(section.content.value().to_string()),
                    new: !retired.contains_key(&section.id),
                };
                (new_version(revision, now), Some(row))
            }
            Some((was_at, page)) => {
                let old_section = &page.page.sections()[was_at];
                let old_version = page.versions[was_at];
                let in_place = was_at == at_index
                    && old_section.key == section.key
                    && old_section.content.type_name() == kind;
                if !in_place {
                    moved = true;
                }
                if old_section.content == section.content {
                    replaced.unchanged += 1;
                    let row = (!in_place).then(|| SectionRows {
                        id: section.id.clone(),
                        key: section.key.clone(),
                        kind: kind.to_owned(),
                        position: Some(position),
                        revision: old_version.revision,
                        content: None,
                        new: false,
                    });
                    (old_version, row)
                } else {
                    let revision = old_version.revision + 1;
                    replaced.changed.push(section.id.clone());
                    changes.push(format!("/sections/{}", section.id));
                    let row = SectionRows {
                        id: section.id.clone(),
                        key: section.key.clone(),
                        kind: kind.to_owned(),
                        position: Some(position),
                        revision,
                        content: Some(section.content.value().to_string()),
                        new: false,
                    };
                    (new_version(revision, now), Some(row))
                }
            }
        };
        layout.push((section.id.as_str(), version.revision));
        versions.push(version);
        sections.extend(row);
    }
    for (old_at, old) in had.iter().enumerate() {
        if next.section(&old.id).is_none() {
            replaced.removed.push(old.id.clone());
            sections.push(SectionRows {
                id: old.id.clone(),
                key: old.key.clone(),
                kind: old.content.type_name().to_owned(),
                position: None,
                revision: was.map_or(1, |p| p.versions[old_at].revision),
                content: None,
                new: false,
            });
        }
    }
    if moved && was.is_some() {
        changes.push("/sections".to_owned());
        replaced.rearranged = replaced.changed.is_empty() && replaced.removed.is_empty();
    }

    let kept_source = |was: Option<&Stored>| -> Option<Arc<str>> {
        match source {
            Some(text) => Some(Arc::from(crate::hugo::head(text))),
            None => was.and_then(|p| p.source.clone()),
        }
    };
    if changes.is_empty() {
        let page = was.expect("a new page always changes");
        let file_only = *page.file != *file
            || source.is_some_and(|text| page.source.as_deref() != Some(crate::hugo::head(text)));
        replaced.revision = page.revision;
        let mut stored = page.clone();
        stored.file = Arc::from(file);
        stored.source = kept_source(was);
        return Planned {
            rows: None,
            file_only,
            replaced,
            stored: Some(stored),
        };
    }
    let revision = was.map_or(1, |p| p.revision + 1);
    replaced.revision = revision;
    let rows = PageRows {
        id: id.to_owned(),
        file: file.to_owned(),
        source: source.map(str::to_owned),
        previous: was.map(|p| p.revision),
        moved: was.is_some_and(|p| *p.file != *file),
        revision,
        metadata: metadata.then(|| Value::Object(next.meta.clone()).to_string()),
        body: body.then(|| next.body.clone()),
        layout: serde_json::to_string(&layout).expect("a layout serialises"),
        changes: serde_json::to_string(&changes).expect("changes serialise"),
        deleted_at: None,
        author: author.to_owned(),
        created_at: at,
        sections,
    };
    let stored = Stored {
        id: Arc::from(id),
        file: Arc::from(file),
        page: next.clone(),
        revision,
        page_updated_at: now,
        versions,
        source: kept_source(was),
    };
    Planned {
        rows: Some(rows),
        file_only: false,
        replaced,
        stored: Some(stored),
    }
}

/// Deleting stored page `page` by `author` at `now`: a page revision that says so; its sections
/// and history stay, and storing the page again brings it back.
pub fn delete(page: &Stored, author: &str, now: Timestamp) -> Planned {
    let at = now.to_rfc3339();
    let layout: Vec<(&str, i64)> = page
        .page
        .sections()
        .iter()
        .zip(&page.versions)
        .map(|(s, v)| (s.id.as_str(), v.revision))
        .collect();
    let revision = page.revision + 1;
    Planned {
        rows: Some(PageRows {
            id: page.id.to_string(),
            file: page.file.to_string(),
            source: None,
            previous: Some(page.revision),
            moved: false,
            revision,
            metadata: None,
            body: None,
            layout: serde_json::to_string(&layout).expect("a layout serialises"),
            changes: r#"["deleted"]"#.to_owned(),
            deleted_at: Some(at.clone()),
            author: author.to_owned(),
            created_at: at,
            sections: Vec::new(),
        }),
        file_only: false,
        replaced: Replaced {
            revision,
            ..Replaced::default()
        },
        stored: None,
    }
}

fn new_version(revision: i64, now: Timestamp) -> Version {
    Version {
        revision,
        updated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::read::stored::LANDING;
    use crate::model::{Errors, Model, Pointer};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    /// The landing page as seeded, at page revision 4, each section at revision 2.
    fn landing() -> Stored {
        let page = crate::hugo::parse_page(
            crate::content::site::seed::BUILT_IN,
            &Model::built_in(),
            LANDING,
        )
        .unwrap();
        let version = Version {
            revision: 2,
            updated_at: at("2026-11-25T12:00:00Z"),
        };
        Stored {
            id: Arc::from(LANDING),
            file: Arc::from("_index.md"),
            versions: vec![version; page.sections().len()],
            page,
            revision: 4,
            page_updated_at: version.updated_at,
            source: None,
        }
    }

    fn vision(quote: &str) -> crate::model::SectionContent {
        let value = serde_json::json!({"type": "vision", "quote": quote});
        Model::built_in()
            .section("vision", &value, &Pointer::root(), &mut Errors::default())
            .unwrap()
    }

    fn stored(before: Before<'_>, next: &Page, retired: &Retired) -> Planned {
        let now = at("2026-12-07T08:00:00Z");
        store(
            before,
            retired,
            (LANDING, "_index.md", None),
            next,
            "ed",
            now,
        )
    }

    #[test]
    fn a_section_edit_writes_one_section_revision_and_one_page_revision() {
        let was = landing();
        let mut next = was.page.clone();
        next.replace_section("vision", vision("A new quote."));
        let before = Before::Stored {
            page: &was,
            deleted: false,
        };
        let planned = stored(before, &next, &Retired::new());
        let rows = planned.rows.unwrap();
        assert_eq!((rows.previous, rows.revision), (Some(4), 5));
        assert_eq!(rows.changes, r#"["/sections/vision"]"#);
        assert_eq!(
            (rows.metadata, rows.body),
            (None, None),
            "kept as they were"
        );
        assert_eq!(rows.sections.len(), 1, "{:?}", rows.sections);
        let section = &rows.sections[0];
        assert_eq!((section.id.as_str(), section.revision), ("vision", 3));
        assert!(section.content.as_deref().unwrap().contains("A new quote."));
        // The page as stored afterwards, built from what was written: only vision moved on.
        let after = planned.stored.unwrap();
        assert_eq!(after.revision, 5);
        assert_eq!(after.version("vision").unwrap().revision, 3);
        assert_eq!(
            after.version("vision").unwrap().updated_at,
            at("2026-12-07T08:00:00Z")
        );
        assert_eq!(after.version("teaser"), was.version("teaser"));
        assert_eq!(planned.replaced.changed, ["vision"]);
        assert_eq!(planned.replaced.unchanged, was.page.sections().len() - 1);
    }

    #[test]
    fn the_same_page_writes_nothing() {
        let was = landing();
        let before = Before::Stored {
            page: &was,
            deleted: false,
        };
        let planned = stored(before, &was.page.clone(), &Retired::new());
        assert!(planned.rows.is_none() && !planned.file_only);
        assert_eq!(planned.stored.unwrap(), was);
    }

    #[test]
    fn a_section_taken_off_and_put_back_continues_its_history() {
        let was = landing();
        let mut without = was.page.clone();
        without.remove_section("vision");
        let before = Before::Stored {
            page: &was,
            deleted: false,
        };
        let planned = stored(before, &without, &Retired::new());
        let rows = planned.rows.unwrap();
        assert_eq!(rows.changes, r#"["/sections"]"#);
        let off = rows.sections.iter().find(|s| s.id == "vision").unwrap();
        assert_eq!(
            (off.position, off.revision, off.content.is_none()),
            (None, 2, true)
        );

        let after = planned.stored.unwrap();
        assert!(needs_history(
            Before::Stored {
                page: &after,
                deleted: false
            },
            &was.page
        ));
        let retired = Retired::from([("vision".to_owned(), 2)]);
        let back = Before::Stored {
            page: &after,
            deleted: false,
        };
        let rows = stored(back, &was.page, &retired).rows.unwrap();
        let on = rows.sections.iter().find(|s| s.id == "vision").unwrap();
        assert_eq!(
            (on.revision, on.new),
            (3, false),
            "revision 3, not a new row"
        );
    }

    #[test]
    fn a_new_page_is_revision_one_and_a_deleted_page_comes_back_after_its_last() {
        let was = landing();
        let planned = stored(Before::New, &was.page, &Retired::new());
        let rows = planned.rows.unwrap();
        assert_eq!((rows.previous, rows.revision), (None, 1));
        assert_eq!(rows.changes, r#"["created"]"#);
        assert!(rows.metadata.is_some() && rows.body.is_some());
        assert!(rows.sections.iter().all(|s| s.new && s.revision == 1));
        assert!(planned.replaced.created);

        let deleted = delete(&was, "ed", at("2026-12-07T08:00:00Z"));
        let rows = deleted.rows.unwrap();
        assert_eq!(
            (rows.revision, rows.changes.as_str()),
            (5, r#"["deleted"]"#)
        );
        assert!(rows.deleted_at.is_some() && deleted.stored.is_none());

        let back = Before::Stored {
            page: &was,
            deleted: true,
        };
        let planned = stored(back, &was.page, &Retired::new());
        let rows = planned.rows.unwrap();
        assert_eq!(rows.changes, r#"["restored"]"#);
        assert!(planned.replaced.created);
    }
}
