//! Parsing untrusted JSON into domain types, collecting every offending field at once.
//!
//! serde stops at the first error, but an editor wants to hear about every mistake in one answer,
//! each with a JSON Pointer (RFC 6901) to the field. So domain types are built by [`Parse`], which
//! walks a `serde_json::Value` and reports one [`FieldError`] per offending field. The same
//! parser reads request bodies, the Hugo front matter (after it is reshaped into the API's form)
//! and the rows the server stored itself: there is one definition of "valid".

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// One offending field of a request body or a page file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// RFC 6901 JSON Pointer to the offending field; `""` is the whole document.
    #[schema(examples("/items/3/link"))]
    pub pointer: String,
    /// What is wrong with it.
    #[schema(examples(
        "must be an http(s) URL, a site path starting with /, a #fragment or mailto:"
    ))]
    pub detail: String,
}

/// A JSON Pointer under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self::default()
    }

    /// The pointer to `token` inside this one, escaped as RFC 6901 requires.
    pub fn child(&self, token: impl std::fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{}", self.0, token))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last reference token, unescaped (`""` for the root).
    pub fn last_token(&self) -> String {
        let token = self.0.rsplit_once('/').map_or("", |(_, last)| last);
        token.replace("~1", "/").replace("~0", "~")
    }
}

/// Where parse errors go. Every `Parse` implementation reports into one of these, so a whole
/// document is checked in one pass.
#[derive(Debug, Default)]
pub struct Errors {
    found: Vec<FieldError>,
    /// How many more were found than are listed (see [`MAX_LISTED`]).
    more: usize,
    /// Set for rows this server stored: see [`Errors::for_stored`].
    stored: bool,
}

/// The most errors one answer lists: a body of 700,000 unknown keys gets the first of them and
/// a count of the rest, not a problem document of 38 MB.
pub const MAX_LISTED: usize = 100;

/// `errors` cut to [`MAX_LISTED`], with one more entry at the whole document (`""`) that says how
/// many were left out (`more` of them were never listed). A list already cut (one entry over
/// the limit) is left as it is.
pub fn listed(mut errors: Vec<FieldError>, more: usize) -> Vec<FieldError> {
    if more == 0 && errors.len() <= MAX_LISTED + 1 {
        return errors;
    }
    let left_out = errors.len().saturating_sub(MAX_LISTED) + more;
    errors.truncate(MAX_LISTED);
    errors.push(FieldError {
        pointer: String::new(),
        detail: format!(
            "and {left_out} more invalid field(s), left out: only the first {MAX_LISTED} are listed"
        ),
    });
    errors
}

impl Errors {
    /// For reading back what the database holds. An earlier release accepted control
    /// characters in text (now refused on every way in); rows it stored are read as they are,
    /// so that an upgrade serves and exports them instead of refusing to start.
    pub fn for_stored() -> Self {
        Self {
            found: Vec::new(),
            more: 0,
            stored: true,
        }
    }

    /// Whether text with control characters is refused (everywhere but stored rows).
    pub fn refuses_controls(&self) -> bool {
        !self.stored
    }

    pub fn push(&mut self, at: &Pointer, detail: impl Into<String>) {
        if self.found.len() >= MAX_LISTED {
            self.more += 1;
            return;
        }
        self.found.push(FieldError {
            pointer: at.as_str().to_owned(),
            detail: detail.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// How many were found (listed or not).
    pub fn len(&self) -> usize {
        self.found.len() + self.more
    }

    /// Whether as many were found as are listed: a check with nothing else to learn may stop.
    pub fn is_full(&self) -> bool {
        self.found.len() >= MAX_LISTED
    }

    /// The errors found, at most [`MAX_LISTED`] and a count of the rest.
    pub fn into_vec(self) -> Vec<FieldError> {
        listed(self.found, self.more)
    }
}

/// A domain type that can be built from untrusted JSON.
pub trait Parse: Sized {
    /// Builds `Self` from `value`, found at `at`. On failure reports at least one error and
    /// returns `None`.
    fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self>;

    /// Reads this type as the field `key` of an object. A field is required unless its type
    /// says otherwise (as `Option` does).
    fn field(fields: &mut Fields<'_>, key: &str, errors: &mut Errors) -> Option<Self> {
        match fields.take(key) {
            Some(value) => Self::parse(value, &fields.at.child(key), errors),
            None => {
                errors.push(&fields.at.child(key), "is required");
                None
            }
        }
    }
}

/// An optional field: absent is `None`; present must be valid (`null` is not accepted, so that
/// the schema stays a plain type for generated clients).
impl<T: Parse> Parse for Option<T> {
    fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
        T::parse(value, at, errors).map(Some)
    }

    fn field(fields: &mut Fields<'_>, key: &str, errors: &mut Errors) -> Option<Self> {
        match fields.take(key) {
            Some(value) => Self::parse(value, &fields.at.child(key), errors),
            None => Some(None),
        }
    }
}

/// The fields of a JSON object being parsed. Whatever is not taken by the time [`Fields::finish`]
/// runs is an unknown field, which is an error: it catches typos such as `detial`.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    taken: Vec<&'a str>,
    pub at: Pointer,
}

impl<'a> Fields<'a> {
    pub fn of(value: &'a Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self {
                map,
                taken: Vec::with_capacity(map.len()),
                at: at.clone(),
            }),
            other => {
                errors.push(at, format!("must be an object, not {}", kind(other)));
                None
            }
        }
    }

    /// Takes the raw value of `key`, marking it as known.
    pub fn take(&mut self, key: &str) -> Option<&'a Value> {
        let (name, value) = self.map.get_key_value(key)?;
        self.taken.push(name.as_str());
        Some(value)
    }

    /// Marks every field as known (an open object keeps what it does not name).
    pub fn take_all(&mut self) {
        self.taken = self.map.keys().map(String::as_str).collect();
    }

    /// Reports every field nobody took; `None` if there was one.
    pub fn finish(self, errors: &mut Errors) -> Option<()> {
        let mut clean = true;
        for key in self.map.keys() {
            if !self.taken.contains(&key.as_str()) {
                errors.push(&self.at.child(key), "is not a known field");
                clean = false;
            }
        }
        clean.then_some(())
    }
}

/// A JSON type's name, for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The string at `at`, or an error.
pub fn string<'v>(value: &'v Value, at: &Pointer, errors: &mut Errors) -> Option<&'v str> {
    match value {
        Value::String(s) => Some(s),
        other => {
            errors.push(at, format!("must be a string, not {}", kind(other)));
            None
        }
    }
}
