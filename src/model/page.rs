//! The whole landing page: its metadata, its nine sections and its HTML body.

use super::parse::record;
use super::section::{SectionContent, SectionId};
use super::text::Title;

record! {
    /// The Hugo page's own metadata. It changes only through `import`.
    pub struct PageMeta {
        identifier: Title,
        title: Title,
        linktitle: Title,
        #[schema(examples("2018-09-04T22:16:21-05:00"))]
        date: Title,
    }
}

/// The landing page: metadata, exactly the nine sections in page order, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub meta: PageMeta,
    /// The HTML after the front matter, byte for byte.
    pub body: String,
    sections: Vec<SectionContent>,
}

impl Page {
    /// Builds a page; `sections` must hold each section once, in page order.
    pub fn new(meta: PageMeta, body: String, sections: Vec<SectionContent>) -> Option<Self> {
        let ids: Vec<SectionId> = sections.iter().map(SectionContent::id).collect();
        (ids == SectionId::ALL).then_some(Self {
            meta,
            body,
            sections,
        })
    }

    pub fn sections(&self) -> &[SectionContent] {
        &self.sections
    }

    /// Replaces the section of `content`'s type; the page keeps its nine sections in order.
    pub fn replace_section(&mut self, content: SectionContent) {
        let at = content.id().position() as usize - 1;
        self.sections[at] = content;
    }
}
