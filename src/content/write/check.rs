//! What a write must not break: the page's metadata and required sections under the content
//! model, and the references its body (and other pages' bodies) make to what the write changes.
//! Errors point where an editor can fix them.

use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored::Stored;
use crate::content::write::{Target, WriteError};
use crate::hugo;
use crate::model::{Errors, FieldError, Model, Page};

/// Errors of page `page` in a change set, pointing into it (`/pages/{page}/…`).
pub(super) fn prefixed(page: &str, errors: Vec<FieldError>) -> Vec<FieldError> {
    let at = crate::model::Pointer::root().child("pages").child(page);
    errors
        .into_iter()
        .map(|e| FieldError {
            pointer: format!("{}{}", at.as_str(), e.pointer),
            detail: e.detail,
        })
        .collect()
}

pub(super) fn in_page(page: &str, error: WriteError) -> WriteError {
    match error {
        WriteError::Invalid(errors) => WriteError::Invalid(prefixed(page, errors)),
        WriteError::References(errors) => WriteError::References(prefixed(page, errors)),
        other => other,
    }
}

/// The `ref` and `relref` links of other pages' bodies to page `id`: one error per page, with
/// the lines in its file.
pub(super) fn links_to(site: &Site, id: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (other, page) in site
        .pages()
        .iter()
        .filter(|(other, _)| other.as_ref() != id)
    {
        let stored = page.stored();
        let mut refs = hugo::references::page_refs(&stored.page.body)
            .filter(|target| hugo::references::names_page(target.as_str(), id))
            .peekable();
        if refs.peek().is_none() {
            continue;
        }
        let line = body_lines(page.model(), &stored.page, stored.source.as_deref());
        let lines: Vec<String> = refs.map(|r| format!("line {}", line(r.start()))).collect();
        errors.push(FieldError {
            pointer: String::new(),
            detail: format!(
                "page {other} ({}) links to this page ({}); change the link before deleting it",
                stored.file,
                lines.join(", ")
            ),
        });
    }
    errors
}

/// Checks the page a write would make: its metadata and required sections under the model, and
/// that its body asks for nothing that the write takes away (or that was never there, for a
/// new body). References that already dangle are not the write's doing.
pub(super) fn validate(
    model: &Model,
    current: &PageSnapshot,
    next: &Page,
    target: Target<'_>,
) -> Result<(), WriteError> {
    let stored = current.stored();
    let id = &stored.id;
    let mut errors = Errors::default();
    if next.meta != stored.page.meta {
        model.check_metadata(id, &next.meta, &mut errors);
    }
    let mut errors = errors.into_vec();
    errors.extend(missing_sections(model, id, next));
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    if next.body == stored.page.body {
        return unchanged_body(model, current, next, target);
    }
    let before = model.front_matter(&stored.page);
    let already = dangling(model, &stored.page, |_| false);
    let broken = dangling(model, next, |key| already.iter().any(|(k, _)| k == key));
    if broken.is_empty() {
        return Ok(());
    }
    let (lost, new): (Vec<_>, Vec<_>) = broken
        .into_iter()
        .partition(|(key, _)| hugo::references::lookup(&before, key).is_some());
    let mut errors = Vec::new();
    if !lost.is_empty() {
        errors.extend(removal_errors(model, stored, next, target));
    }
    if !new.is_empty() {
        errors.extend(body_errors(model, next, Some(stored), &new));
    }
    Err(WriteError::References(errors))
}

/// The references check of a write that leaves the body as it is: only what the write changes can
/// stop answering a reference, so only the references under the top-level keys it changes are
/// looked up, in the front matter of those keys alone. A section edit costs the same whatever
/// the number of sections on the page.
fn unchanged_body(
    model: &Model,
    current: &PageSnapshot,
    next: &Page,
    target: Target<'_>,
) -> Result<(), WriteError> {
    let stored = current.stored();
    let touched = touched(&stored.page, next);
    if touched.is_empty() {
        return Ok(());
    }
    let keep = |key: &str| touched.iter().any(|t| t.eq_ignore_ascii_case(key));
    let first = |key: &str| key.split('.').next().unwrap_or_default().to_owned();
    let refs: Vec<&String> = current
        .body_keys()
        .iter()
        .filter(|key| keep(&first(key)))
        .collect();
    if refs.is_empty() {
        return Ok(());
    }
    let before = model.front_matter_of(&stored.page, keep);
    let after = model.front_matter_of(next, keep);
    let lost = refs.iter().any(|key| {
        hugo::references::lookup(&before, key).is_some()
            && hugo::references::lookup(&after, key).is_none()
    });
    if lost {
        Err(WriteError::References(removal_errors(
            model, stored, next, target,
        )))
    } else {
        Ok(())
    }
}

/// The top-level front-matter keys whose values differ between `before` and `after`: metadata
/// keys changed, added or removed, and the keys of sections changed, added, removed or moved to
/// another key.
fn touched(before: &Page, after: &Page) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_owned());
        }
    };
    for (key, value) in &before.meta {
        if after.meta.get(key) != Some(value) {
            add(key);
        }
    }
    for key in after.meta.keys() {
        if !before.meta.contains_key(key) {
            add(key);
        }
    }
    for section in after.sections() {
        match before.section(&section.id) {
            Some(old) if old.key == section.key && old.content == section.content => {}
            Some(old) => {
                add(&old.key);
                add(&section.key);
            }
            None => add(&section.key),
        }
    }
    for old in before.sections() {
        if after.section(&old.id).is_none() {
            add(&old.key);
        }
    }
    keys
}

/// The sections the model requires on page `id` that `page` lacks, pointing at `/sections`.
pub(super) fn missing_sections(model: &Model, id: &str, page: &Page) -> Vec<FieldError> {
    model
        .required_sections(id)
        .into_iter()
        .filter(|key| !page.sections().iter().any(|s| s.key == *key))
        .map(|key| {
            let name = model
                .section_rule(id, key)
                .map_or(key, |rule| rule.id.as_str());
            FieldError {
                pointer: "/sections".to_owned(),
                detail: format!(
                    "the page must have its section {name} (the content model requires it)"
                ),
            }
        })
        .collect()
}

/// The body's references that `page`'s front matter leaves unanswered, as (key, byte offset),
/// leaving out those `ignore` names.
pub(super) fn dangling(
    model: &Model,
    page: &Page,
    ignore: impl Fn(&str) -> bool,
) -> Vec<(String, usize)> {
    let front = model.front_matter(page);
    hugo::references::all(&page.body)
        .map(|(_, key)| key)
        .filter(|key| hugo::references::lookup(&front, key.as_str()).is_none())
        .filter(|key| !ignore(key.as_str()))
        .map(|key| (key.as_str().to_owned(), key.start()))
        .collect()
}

/// The line of the page file that byte `at` of `page`'s body is on.
fn body_lines(model: &Model, page: &Page, source: Option<&str>) -> impl Fn(usize) -> usize {
    let file = hugo::export_page(page, source, model);
    let body = page.body.clone();
    let first = file[..file.len() - body.len()].matches('\n').count() + 1;
    move |at| first + body[..at].matches('\n').count()
}

/// One error at `/body` listing the keys a new body asks for that the page does not have.
pub(super) fn body_errors(
    model: &Model,
    page: &Page,
    stored: Option<&Stored>,
    keys: &[(String, usize)],
) -> Vec<FieldError> {
    let line = body_lines(model, page, stored.and_then(|s| s.source.as_deref()));
    let list: Vec<String> = keys
        .iter()
        .map(|(key, at)| format!("line {}: {key}", line(*at)))
        .collect();
    vec![FieldError {
        pointer: "/body".to_owned(),
        detail: format!(
            "asks for what the page does not have ({}); add it to the page first",
            list.join(", ")
        ),
    }]
}

/// One error per thing the write removes that the body uses, pointing at it where it is now (in
/// the section as stored for a section write; into the metadata, or at `/sections/{id}/…`,
/// for a page write), with every reference to it and its line in the page file.
fn removal_errors(
    model: &Model,
    stored: &Stored,
    next: &Page,
    target: Target<'_>,
) -> Vec<FieldError> {
    let before = model.front_matter(&stored.page);
    let after = model.front_matter(next);
    let lost = hugo::references::lost(&next.body, &before, &after);
    let line = body_lines(model, &stored.page, stored.source.as_deref());
    let mut grouped: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for lost in lost {
        let reference = format!("line {}: {}", line(lost.at), lost.key);
        match grouped
            .iter_mut()
            .find(|(removed, _)| *removed == lost.removed)
        {
            Some((_, references)) => references.push(reference),
            None => grouped.push((lost.removed, vec![reference])),
        }
    }
    grouped
        .into_iter()
        .map(|(removed, references)| FieldError {
            pointer: pointer_to(model, stored, &removed, target),
            detail: format!(
                "is used by the page's body ({}); remove it from the body before removing it here",
                references.join(", ")
            ),
        })
        .collect()
}

/// Where the front-matter path `removed` is, as the write's target sees the page.
fn pointer_to(model: &Model, stored: &Stored, removed: &[String], target: Target<'_>) -> String {
    let Some((key, rest)) = removed.split_first() else {
        return String::new();
    };
    let section = stored.page.sections().iter().find(|s| &s.key == key);
    match (section, target) {
        (Some(section), Target::Section(_)) => model.api_pointer(&section.content, rest),
        (Some(section), _) => {
            let within = if rest.is_empty() {
                String::new()
            } else {
                model.api_pointer(&section.content, rest)
            };
            let id = crate::model::Pointer::root()
                .child("sections")
                .child(&section.id);
            format!("{}{within}", id.as_str())
        }
        (None, _) => removed
            .iter()
            .fold(crate::model::Pointer::root(), |at, part| at.child(part))
            .as_str()
            .to_owned(),
    }
}
