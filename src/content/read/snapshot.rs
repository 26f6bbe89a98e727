//! The read model: every body the read endpoints serve, for every page of the site, built once
//! per committed change and published atomically. A GET loads one `Arc` and writes bytes; it
//! never touches the database. A change to one page rebuilds that page's representations (and
//! only its changed sections'); the site is a persistent map, so publishing it shares every
//! other page with the version before.

use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::content::read::documents::Section;
use crate::content::read::representation::Representation;
use crate::content::read::stored::Stored;
use crate::hugo::{Format, export_page, url};
use crate::model::{Model, Timestamp};

pub(super) const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
pub(super) const TAR: &str = "application/x-tar";

/// One consistent version of one page, as the read endpoints serve it.
pub struct PageSnapshot {
    /// The content model the page was read under, which writes it back.
    model: Arc<Model>,
    pub(super) stored: Stored,
    /// Where Hugo publishes it.
    url: String,
    /// `GET /pages/{id}`: `page` with `id`, `path` and `url`.
    document: Representation,
    /// `GET /sections` (the landing page only): the same without them, as it always was.
    landing: OnceLock<Representation>,
    /// Shared between snapshots while a section is unchanged, with its compressed forms.
    sections: Vec<Arc<Representation>>,
    /// Its entry in `GET /pages`.
    pub(super) summary: Vec<u8>,
    /// `GET /pages/{id}/body` and the Hugo page: made on first request, so that edits need not
    /// pay for them.
    body: OnceLock<Representation>,
    export: OnceLock<Representation>,
    /// The keys the body asks the front matter for (`param` and the list shortcodes), found on
    /// first use by a write and kept while the body is the same.
    body_keys: OnceLock<Arc<[String]>>,
}

/// A page's entry in the list of pages.
#[derive(Serialize)]
struct Summary<'a> {
    id: &'a str,
    path: &'a str,
    url: &'a str,
    format: Format,
    title: Option<&'a serde_json::Value>,
    sections: Vec<&'a str>,
    updated_at: Timestamp,
}

/// The system fields of a page, ahead of its metadata in `page`.
pub const PAGE_FIELDS: [&str; 4] = ["id", "path", "url", "format"];

impl PageSnapshot {
    pub fn build(model: Arc<Model>, stored: Stored) -> Self {
        let sections = (0..stored.page.sections().len())
            .map(|at| Arc::new(section_representation(&stored, at)))
            .collect();
        Self::assemble(model, stored, sections)
    }

    /// A snapshot of `stored`, the next version of this page: sections whose id, place and
    /// version are unchanged keep their representation (and compressed forms).
    pub fn next(&self, stored: Stored) -> Self {
        let keys = self
            .body_keys
            .get()
            .filter(|_| self.stored.page.body == stored.page.body)
            .cloned();
        let sections = (0..stored.page.sections().len())
            .map(|at| {
                let id = &stored.page.sections()[at].id;
                match self.stored.page.position(id) {
                    Some(was) if was == at && self.stored.versions[was] == stored.versions[at] => {
                        self.sections[was].clone()
                    }
                    _ => Arc::new(section_representation(&stored, at)),
                }
            })
            .collect();
        let next = Self::assemble(self.model.clone(), stored, sections);
        if let Some(keys) = keys {
            let _ = next.body_keys.set(keys);
        }
        next
    }

    /// The document is the page's system fields and metadata and the section bodies exactly as
    /// they are served one by one, put together rather than serialised again (a test checks
    /// that this is what serialising a
    /// [`SectionsDocument`](crate::content::read::documents::SectionsDocument) gives).
    fn assemble(model: Arc<Model>, stored: Stored, sections: Vec<Arc<Representation>>) -> Self {
        let url = url::published(&stored.file, &stored.page.meta);
        let mut page = serde_json::Map::new();
        page.insert("id".into(), stored.id.as_ref().into());
        page.insert("path".into(), stored.file.as_ref().into());
        page.insert("url".into(), url.as_str().into());
        let format = stored.source.as_deref().map(Format::of).unwrap_or_default();
        page.insert(
            "format".into(),
            serde_json::to_value(format).expect("a name"),
        );
        // A metadata key spelled like a system field (a front-matter `url`) is not repeated:
        // the system field already says where the page is.
        for (key, value) in &stored.page.meta {
            if !PAGE_FIELDS.contains(&key.as_str()) {
                page.insert(key.clone(), value.clone());
            }
        }
        let document = collection(&stored, &page, &sections);
        let summary = serde_json::to_vec(&Summary {
            id: &stored.id,
            path: &stored.file,
            url: &url,
            format,
            title: stored.page.meta.get("title"),
            sections: stored
                .page
                .sections()
                .iter()
                .map(|s| s.id.as_str())
                .collect(),
            updated_at: stored.last_modified(),
        })
        .expect("a summary serialises");
        Self {
            model,
            stored,
            url,
            document,
            landing: OnceLock::new(),
            sections,
            summary,
            body: OnceLock::new(),
            export: OnceLock::new(),
            body_keys: OnceLock::new(),
        }
    }

    /// The content model it was read under.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// What this snapshot shows.
    pub fn stored(&self) -> &Stored {
        &self.stored
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `GET /pages/{id}`.
    pub fn document(&self) -> &Representation {
        &self.document
    }

    /// `GET /sections`: the page's metadata as it is, without the system fields.
    pub fn collection(&self) -> &Representation {
        self.landing
            .get_or_init(|| collection(&self.stored, &self.stored.page.meta, &self.sections))
    }

    /// The keys the body asks the front matter for, in the order it asks.
    pub fn body_keys(&self) -> &[String] {
        self.body_keys.get_or_init(|| {
            crate::hugo::references::all(&self.stored.page.body)
                .map(|(_, key)| key.as_str().to_owned())
                .collect()
        })
    }

    /// `GET /pages/{id}/body`.
    pub fn body(&self) -> &Representation {
        self.body.get_or_init(|| {
            let modified = self.stored.last_modified().to_system_time();
            Representation::new(TEXT, self.stored.page.body.as_bytes().to_vec(), modified)
        })
    }

    /// `GET /export`, `GET /pages/{id}/export`.
    pub fn export(&self) -> &Representation {
        self.export.get_or_init(|| {
            Representation::new(
                MARKDOWN,
                self.file_text().into_bytes(),
                self.stored.last_modified().to_system_time(),
            )
        })
    }

    /// The page file, as the export serves it.
    pub fn file_text(&self) -> String {
        match self.export.get() {
            Some(export) => String::from_utf8_lossy(export.body()).into_owned(),
            None => export_page(
                &self.stored.page,
                self.stored.source.as_deref(),
                &self.model,
            ),
        }
    }

    /// `GET /pages/{id}/sections/{section}`, if the page has that section.
    pub fn section(&self, id: &str) -> Option<&Representation> {
        Some(&self.sections[self.stored.page.position(id)?])
    }

    /// How many bytes of this page it serves from memory, uncompressed: its document, sections,
    /// list entry and body (served from the page's own text, wrapped on first request), and the
    /// landing document and the page file once made.
    pub fn served_bytes(&self) -> usize {
        let lazy = [&self.landing, &self.export];
        self.document.body().len()
            + self.summary.len()
            + self.sections.iter().map(|s| s.body().len()).sum::<usize>()
            + self.stored.page.body.len()
            + lazy
                .iter()
                .filter_map(|r| r.get())
                .map(|r| r.body().len())
                .sum::<usize>()
    }
}

/// `{"page": …, "sections": […]}` from the section bodies as served.
fn collection(
    stored: &Stored,
    page: &serde_json::Map<String, serde_json::Value>,
    sections: &[Arc<Representation>],
) -> Representation {
    let size: usize = sections.iter().map(|s| s.body().len() + 1).sum();
    let mut body = Vec::with_capacity(size + 512);
    body.extend_from_slice(br#"{"page":"#);
    serde_json::to_writer(&mut body, page).expect("metadata always serialises");
    body.extend_from_slice(br#","sections":["#);
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(section.body());
    }
    body.extend_from_slice(b"]}");
    Representation::new(JSON, body, stored.last_modified().to_system_time())
}

/// The representation of the section at `at` (0-based) on the page.
fn section_representation(stored: &Stored, at: usize) -> Representation {
    let page_section = &stored.page.sections()[at];
    let content = page_section.content.clone();
    let section = Section::new(&page_section.id, at, stored.versions[at], content);
    let body = serde_json::to_vec(&section).expect("sections always serialise");
    Representation::new(JSON, body, section.meta.updated_at.to_system_time())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::read::documents::SectionsDocument;
    use crate::content::read::stored::LANDING;
    use crate::content::read::stored::Version;

    fn seeded() -> Stored {
        let page = crate::hugo::parse_page(
            crate::content::site::seed::BUILT_IN,
            &Model::built_in(),
            LANDING,
        )
        .unwrap();
        let version = Version {
            revision: 1,
            updated_at: Timestamp::parse("2026-11-25T12:00:00Z").unwrap(),
        };
        Stored {
            id: Arc::from(LANDING),
            file: Arc::from("_index.md"),
            versions: vec![version; page.sections().len()],
            page,
            revision: 1,
            page_updated_at: version.updated_at,
            source: None,
        }
    }

    fn model() -> Arc<Model> {
        Arc::new(Model::built_in())
    }

    fn document(stored: &Stored) -> Vec<u8> {
        let sections = stored
            .page
            .sections()
            .iter()
            .enumerate()
            .map(|(at, s)| Section::new(&s.id, at, stored.versions[at], s.content.clone()))
            .collect();
        let page = stored.page.meta.clone();
        serde_json::to_vec(&SectionsDocument { page, sections }).unwrap()
    }

    #[test]
    fn the_assembled_collection_is_the_serialised_document() {
        let stored = seeded();
        let snapshot = PageSnapshot::build(model(), stored.clone());
        assert_eq!(snapshot.collection().body()[..], document(&stored)[..]);

        // After a change, too; and unchanged sections keep their representation.
        let vision = serde_json::json!({"type": "vision", "quote": "New."});
        let mut errors = crate::model::Errors::default();
        let content = model()
            .section(
                "vision",
                &vision,
                &crate::model::Pointer::root(),
                &mut errors,
            )
            .unwrap();
        let version = Version {
            revision: 2,
            updated_at: Timestamp::parse("2026-11-25T13:00:00Z").unwrap(),
        };
        let mut expected = stored.clone();
        let at = expected.page.position("vision").unwrap();
        expected.page.replace_section("vision", content);
        expected.versions[at] = version;
        let next = snapshot.next(expected.clone());
        assert_eq!(next.collection().body()[..], document(&expected)[..]);
        assert!(Arc::ptr_eq(&snapshot.sections[0], &next.sections[0]));
        assert!(!Arc::ptr_eq(&snapshot.sections[at], &next.sections[at]));
        assert_eq!(next.stored(), &expected);
    }

    #[test]
    fn the_page_document_leads_with_the_pages_system_fields() {
        let snapshot = PageSnapshot::build(model(), seeded());
        let document: serde_json::Value =
            serde_json::from_slice(snapshot.document().body()).unwrap();
        let page = document["page"].as_object().unwrap();
        let keys: Vec<&str> = page.keys().map(String::as_str).take(5).collect();
        assert_eq!(keys, ["id", "path", "url", "format", "identifier"]);
        assert_eq!(page["url"], "/");
        assert_eq!(
            document["sections"],
            serde_json::from_slice::<serde_json::Value>(snapshot.collection().body()).unwrap()["sections"]
        );
    }
}
