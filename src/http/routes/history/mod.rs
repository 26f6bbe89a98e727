//! History: every revision of a page (each change to it) and of each of its sections, newest
//! first; any one of them; restoring one. The landing page's sections also have theirs under
//! `/sections/{id}`.

mod pages;
mod query;
mod sections;

use pages::{get_page_revision, list_page_revisions, restore_page_revision};
use sections::{
    get_page_section_revision, get_revision, list_page_section_revisions, list_revisions,
    restore_page_section_revision, restore_revision,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_revisions)
        .service(get_revision)
        .service(restore_revision)
        .service(list_page_section_revisions)
        .service(get_page_section_revision)
        .service(restore_page_section_revision)
        .service(list_page_revisions)
        .service(get_page_revision)
        .service(restore_page_revision);
}
