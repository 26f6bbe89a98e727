//! A page under the content model: its metadata, its sections (each valid for its type, by
//! construction) and its body.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

/// A section's content in the API's shape (`type` first, then its fields in the model's order),
/// valid for its type under the model that built it: only [`Model::section`] makes one.
///
/// [`Model::section`]: super::definition::Model::section
///
/// Shared, not copied, between the versions of a page that have it: a page is cloned for every
/// write, and what a write leaves unchanged costs nothing to keep.
#[derive(Debug, Clone, Eq, Serialize)]
#[serde(transparent)]
pub struct SectionContent(Arc<Value>);

impl PartialEq for SectionContent {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl SectionContent {
    /// For the model's engine, after it checked `value`.
    pub(super) fn checked(value: Value) -> Self {
        Self(Arc::new(value))
    }

    pub fn type_name(&self) -> &str {
        self.0["type"].as_str().unwrap_or_default()
    }

    pub fn value(&self) -> &Value {
        &self.0
    }

    /// The content as JSON, as stored and as a PUT body carries it (with `type`).
    pub fn to_value(&self) -> Value {
        (*self.0).clone()
    }
}

/// A section where it is on its page: its front-matter key, its id and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSection {
    pub key: String,
    pub id: String,
    pub content: SectionContent,
}

/// A page: the front-matter keys that are metadata (with their values, in file order), the
/// sections in page order, and the body after the front matter, byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub meta: Map<String, Value>,
    pub body: String,
    sections: Vec<PageSection>,
}

impl Page {
    /// A page of these sections, in this order (ids unique: the model makes them so).
    pub fn new(meta: Map<String, Value>, body: String, sections: Vec<PageSection>) -> Self {
        Self {
            meta,
            body,
            sections,
        }
    }

    pub fn sections(&self) -> &[PageSection] {
        &self.sections
    }

    /// The 0-based place of section `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&PageSection> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Replaces the content of section `id`; `false` if the page has no such section.
    pub fn replace_section(&mut self, id: &str, content: SectionContent) -> bool {
        match self.sections.iter_mut().find(|s| s.id == id) {
            Some(section) => {
                section.content = content;
                true
            }
            None => false,
        }
    }

    /// Takes section `id` off the page; `false` if it has no such section.
    pub fn remove_section(&mut self, id: &str) -> bool {
        let before = self.sections.len();
        self.sections.retain(|s| s.id != id);
        self.sections.len() != before
    }

    /// Puts `section` at `at` (0-based, at most the number of sections); `false`, changing
    /// nothing, if the page already has a section of its id or key.
    pub fn insert_section(&mut self, at: usize, section: PageSection) -> bool {
        let taken = self
            .sections
            .iter()
            .any(|s| s.id == section.id || s.key == section.key);
        if taken || at > self.sections.len() {
            return false;
        }
        self.sections.insert(at, section);
        true
    }

    /// Puts the sections in the order of `ids`, which must name each of them once; `false`,
    /// changing nothing, otherwise.
    pub fn reorder(&mut self, ids: &[&str]) -> bool {
        let mut ordered = Vec::with_capacity(ids.len());
        for id in ids {
            match self.section(id) {
                Some(section) if !ordered.iter().any(|s: &PageSection| s.id == *id) => {
                    ordered.push(section.clone());
                }
                _ => return false,
            }
        }
        if ordered.len() != self.sections.len() {
            return false;
        }
        self.sections = ordered;
        true
    }
}
