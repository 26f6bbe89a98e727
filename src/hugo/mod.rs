//! The page as Hugo keeps it: a file of YAML front matter and a body.
//!
//! [`read`] turns such a file into a [`Page`](crate::model::Page) under the content model,
//! [`write`] turns a page back into one (editing the file it came from, [`source`]), [`references`]
//! compares the body's shortcodes with the front matter, [`site`] reads a `content/` folder and
//! [`url`] says where Hugo publishes a page.

pub mod path;
#[cfg(test)]
mod properties;
pub mod read;
pub mod references;
pub mod site;
pub mod source;
pub mod url;
pub mod write;
pub mod yaml;
#[cfg(test)]
pub mod yaml11;

pub use read::{PageFile, parse_page};
pub use write::{export_file, export_page, write_file, write_page};

use crate::model::{Model, Page};

/// One problem with a page file, at a YAML path such as `g3Commons.c5.link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    /// 1-based line in the file, where it can be told.
    pub line: Option<usize>,
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "front matter"
        } else {
            &self.path
        };
        match self.line {
            Some(line) => write!(f, "{path} (line {line}): {}", self.detail),
            None => write!(f, "{path}: {}", self.detail),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HugoError {
    #[error("line 1: a Hugo page must start with a `---` line that opens YAML front matter")]
    NoFrontMatter,
    #[error("the front matter has no closing `---` line")]
    Unclosed,
    #[error("front matter (line {line}): invalid YAML: {message}")]
    Syntax { line: usize, message: String },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Finding>),
}

/// Splits a Hugo page into its front matter text and its body (everything after the closing
/// `---` line, byte for byte).
pub fn split(text: &str) -> Result<(&str, &str), HugoError> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or(HugoError::NoFrontMatter)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(HugoError::Unclosed)
}

/// The part of a page file before its body (the front matter with its delimiters): all that
/// the export needs of the file it edits, since the body is written from the page. The whole
/// text when it has no front matter to split off.
pub fn head(text: &str) -> &str {
    match split(text) {
        Ok((_, body)) => &text[..text.len() - body.len()],
        Err(_) => text,
    }
}

impl HugoError {
    /// The error as findings, to be listed like the problems with a page's content.
    pub fn into_findings(self) -> Vec<Finding> {
        let at_file = |line: Option<usize>, detail: String| Finding {
            path: String::new(),
            line,
            detail,
        };
        match self {
            Self::NoFrontMatter => vec![at_file(
                Some(1),
                "a Hugo page must start with a `---` line that opens YAML front matter".to_owned(),
            )],
            Self::Unclosed => vec![at_file(None, "has no closing `---` line".to_owned())],
            Self::Syntax { line, message } => {
                vec![at_file(Some(line), format!("invalid YAML: {message}"))]
            }
            Self::Invalid(findings) => findings,
        }
    }
}

/// Everything `check` finds in a page file.
#[derive(Debug)]
pub struct Report {
    /// The page, if it has no errors.
    pub page: Option<Page>,
    /// What makes the page invalid: it cannot be imported.
    pub errors: Vec<Finding>,
    /// What is valid but probably a mistake: `param` references to missing keys, and fields the
    /// body never shows.
    pub warnings: Vec<Finding>,
}

/// Checks a page file completely, as page `id` under `model`: its structure, its content and
/// its `param` references.
pub fn check_page(text: &str, model: &Model, id: &str) -> Report {
    let file = match PageFile::read(text) {
        Ok(file) => file,
        Err(e) => {
            return Report {
                page: None,
                errors: e.into_findings(),
                warnings: Vec::new(),
            };
        }
    };
    let warnings = references::check(&file, |key| model.metadata_field(id, key).is_some());
    match file.page(model, id) {
        Ok(page) => Report {
            page: Some(page),
            errors: Vec::new(),
            warnings,
        },
        Err(errors) => Report {
            page: None,
            errors,
            warnings,
        },
    }
}
