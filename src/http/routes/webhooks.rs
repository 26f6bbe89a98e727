//! The webhooks' delivery log, for editors: `GET /webhooks`, `GET /webhooks/{id}/deliveries`
//! (every attempt: time, status, latency, the start of the answer) and `POST
//! /webhooks/deliveries/{id}/redeliver`. Webhooks are added and removed with the CLI, which is
//! the only place their signing secrets are ever shown.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Editor;
use crate::http::error::Result;
use crate::http::responses::webhooks::{RedeliverResponses, Responses};
use crate::http::state::App;
use crate::webhooks;

/// A webhook (its secret is never shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    #[schema(minimum = 1)]
    id: i64,
    url: String,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    removed_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    webhooks: Vec<Webhook>,
}

/// One attempt to deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attempt {
    #[schema(minimum = 1)]
    attempt: i64,
    /// When it was sent (RFC 3339, milliseconds).
    at: String,
    /// The receiver's status; `null` if it never answered (refused, timed out).
    status: Option<i64>,
    #[schema(minimum = 0)]
    latency_ms: i64,
    /// The start of the receiver's answer (200 characters), or what went wrong.
    excerpt: String,
}

/// A delivery: one `webhook-id`, one body, however many attempts it took.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// Its `webhook-id`.
    id: String,
    /// `pending` (to be sent at `next_attempt_at`), `delivered`, or `failed` (retried for a
    /// day without a 2xx).
    state: String,
    created_at: String,
    next_attempt_at: String,
    attempts: Vec<Attempt>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    deliveries: Vec<Delivery>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// How many to list, newest first (1 to 100; 20 if absent).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

/// List the webhooks
///
/// Every webhook publishes are sent to (added with `gen3-content webhook add`), removed ones
/// included; never their secrets. Needs the `write` scope.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    responses(Responses<WebhookList>),
)]
#[get("/webhooks")]
async fn list_webhooks(_editor: Editor, app: App) -> Result<HttpResponse> {
    let webhooks = webhooks::list(&app.store)
        .await?
        .into_iter()
        .map(|w| Webhook {
            id: w.id,
            url: crate::webhooks::shown(&w.url),
            created_at: w.created_at,
            removed_at: w.removed_at,
        })
        .collect();
    Ok(private(HttpResponse::Ok()).json(WebhookList { webhooks }))
}

/// A webhook's deliveries
///
/// Newest first, each with every attempt: when, the receiver's status, latency and the start of
/// its answer. Needs the `write` scope.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    params(("id" = i64, Path, description = "The webhook's id", minimum = 1), DeliveryQuery),
    security(("bearer" = [])),
    responses(Responses<DeliveryList>),
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_deliveries(
    _editor: Editor,
    id: web::Path<i64>,
    query: web::Query<DeliveryQuery>,
    app: App,
) -> Result<HttpResponse> {
    let limit = super::limit(query.limit, 20, 100)?;
    let id = id.into_inner();
    let deliveries = webhooks::deliveries(&app.store, id, limit)
        .await?
        .into_iter()
        .map(|(d, attempts)| Delivery {
            id: d.id,
            state: d.state,
            created_at: d.created_at,
            next_attempt_at: d.next_attempt_at,
            attempts: attempts
                .into_iter()
                .map(|a| Attempt {
                    attempt: a.attempt,
                    at: a.at,
                    status: a.status,
                    latency_ms: a.latency_ms,
                    excerpt: a.excerpt,
                })
                .collect(),
        })
        .collect();
    Ok(private(HttpResponse::Ok()).json(DeliveryList { deliveries }))
}

/// Send a delivery again
///
/// The same `webhook-id` and body, at once, retried for another day if it fails (a receiver
/// that deduplicates by id sees it as the same event). Needs the `write` scope.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliver",
    params(("id" = String, Path, description = "The delivery's id (its `webhook-id`)")),
    security(("bearer" = [])),
    responses(RedeliverResponses),
)]
#[post("/webhooks/deliveries/{id}/redeliver")]
async fn redeliver(_editor: Editor, id: web::Path<String>, app: App) -> Result<HttpResponse> {
    let id = id.into_inner();
    webhooks::redeliver(&app.store, &id).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

fn private(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "private, no-cache"));
    response
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_webhooks)
        .service(list_deliveries)
        .service(redeliver);
}
