//! The page as Hugo keeps it: a file of front matter and a body. The front matter is in one of
//! Hugo's three formats ([`Format`]): YAML between `---` lines, TOML between `+++` lines
//! ([`toml`]), or a JSON object that starts the file ([`json`]); all three read into the same
//! data, and each is edited in place in its own format.
//!
//! [`read`] turns such a file into a [`Page`](crate::model::Page) under the content model,
//! [`write`] turns a page back into one (editing the file it came from, [`source`]), [`references`]
//! compares the body's shortcodes with the front matter, [`site`] reads a `content/` folder and
//! [`url`] says where Hugo publishes a page.

pub mod json;
pub mod path;
#[cfg(test)]
mod properties;
pub mod read;
pub mod references;
pub mod site;
pub mod source;
pub mod toml;
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

/// The format of a page file's front matter.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Between `---` lines.
    #[default]
    Yaml,
    /// Between `+++` lines.
    Toml,
    /// A JSON object that starts the file.
    Json,
}

impl Format {
    /// The format of the front matter `text` opens with, if it opens with any.
    pub fn opening(text: &str) -> Option<Self> {
        let line = |delimiter: &str| {
            text.strip_prefix(delimiter)
                .is_some_and(|rest| rest.starts_with('\n') || rest.starts_with("\r\n"))
        };
        if line("---") {
            Some(Self::Yaml)
        } else if line("+++") {
            Some(Self::Toml)
        } else if text.starts_with('{') {
            Some(Self::Json)
        } else {
            None
        }
    }

    /// The format of the page file `text` (YAML when it has no front matter to tell).
    pub fn of(text: &str) -> Self {
        Self::opening(text).unwrap_or_default()
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Yaml => "YAML",
            Self::Toml => "TOML",
            Self::Json => "JSON",
        }
    }

    /// What closes its front matter.
    fn closing(self) -> &'static str {
        match self {
            Self::Yaml => "`---` line",
            Self::Toml => "`+++` line",
            Self::Json => "`}` of its JSON object",
        }
    }

    /// The front matter's text (as [`split`] cuts it) as data.
    pub fn parse(self, front: &str) -> Result<serde_json::Value, HugoError> {
        match self {
            Self::Yaml => serde_yaml::from_str(front).map_err(|e| HugoError::Syntax {
                format: self,
                // libyaml counts lines from 1; +1 for the opening `---` line.
                line: e.location().map_or(1, |l| l.line() + 1),
                message: e.to_string(),
            }),
            Self::Toml => toml::parse(front),
            Self::Json => json::parse(front),
        }
    }

    /// The line of the file (1-based) where the front matter `front` holds `path`, or the
    /// nearest thing around it.
    pub fn line_of(self, front: &str, path: &[String]) -> Option<usize> {
        match self {
            // +1 for the opening delimiter line.
            Self::Yaml => source::line_of(front, path).map(|n| n + 1),
            Self::Toml => toml::line_of(front, path).map(|n| n + 1),
            Self::Json => json::line_of(front, path),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HugoError {
    #[error(
        "line 1: a Hugo page must start with front matter: a `---` line (YAML), a `+++` line \
         (TOML) or a JSON object"
    )]
    NoFrontMatter,
    #[error("the front matter has no closing {}", .0.closing())]
    Unclosed(Format),
    #[error("front matter (line {line}): invalid {}: {message}", .format.name())]
    Syntax {
        format: Format,
        line: usize,
        message: String,
    },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Finding>),
}

/// Splits a Hugo page into its front matter text and its body (everything after the closing
/// delimiter line, or after the JSON object and the line break that ends it, byte for byte).
/// For YAML and TOML the front matter is the text between the delimiter lines; for JSON, the
/// object itself.
pub fn split(text: &str) -> Result<(&str, &str), HugoError> {
    let format = Format::opening(text).ok_or(HugoError::NoFrontMatter)?;
    if format == Format::Json {
        let end = json::object_end(text).ok_or(HugoError::Unclosed(format))?;
        let rest = &text[end..];
        let body = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
            .unwrap_or(rest);
        return Ok((&text[..end], body));
    }
    let delimiter = if format == Format::Yaml { "---" } else { "+++" };
    let first = text.find('\n').map_or(text.len(), |n| n + 1);
    let rest = &text[first..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == delimiter {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(HugoError::Unclosed(format))
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
                "a Hugo page must start with front matter: a `---` line (YAML), a `+++` line \
                 (TOML) or a JSON object"
                    .to_owned(),
            )],
            Self::Unclosed(format) => vec![at_file(
                None,
                format!("has no closing {}", format.closing()),
            )],
            Self::Syntax {
                format,
                line,
                message,
            } => vec![at_file(
                Some(line),
                format!("invalid {}: {message}", format.name()),
            )],
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
