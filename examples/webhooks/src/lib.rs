//! `example-webhooks`: an axum app that keeps a users table in an embedded SQLite database in
//! sync with Clerk's `user.created`, `user.updated` and `user.deleted` webhooks.
//!
//! - `POST /webhooks/clerk`: a delivery verified with `CLERK_WEBHOOK_SIGNING_SECRET`; `204` for
//!   every verified one (event types the app does not keep included, so Clerk does not retry
//!   them), `400` for a bad one (nothing changes), `500` when the database fails (Clerk retries).
//!   A delivery whose message id was applied before changes nothing.
//! - `GET /users`: the table as a JSON array of `{"id", "email", "first_name", "last_name",
//!   "updated_at"}` (the primary email address; `null` where absent), ordered by id.
//! - `GET /health`: `ok`.

#![forbid(unsafe_code)]

pub mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use clerk_axum::ClerkWebhook;
use clerk_axum::clerk_core::WebhookVerifier;
use serde_json::Value;

pub use store::{Applied, Store};

/// The app: its routes over `store`, deliveries verified by `verifier`.
pub fn app(store: Store, verifier: WebhookVerifier) -> Router {
    Router::new()
        .route("/webhooks/clerk", post(clerk_webhook))
        .route("/users", get(users))
        .route("/health", get(|| async { "ok" }))
        .layer(Extension(verifier))
        .with_state(store)
}

async fn clerk_webhook(State(store): State<Store>, webhook: ClerkWebhook) -> StatusCode {
    let message_id = webhook.message_id().to_owned();
    let event = webhook.into_event();
    let event_type = event.event_type.as_str().to_owned();
    // SQLite blocks: off the async workers.
    let applied = tokio::task::spawn_blocking(move || store.apply(&message_id, &event)).await;
    match applied {
        Ok(Ok(applied)) => {
            tracing::info!(event_type, ?applied, "clerk webhook");
            StatusCode::NO_CONTENT
        }
        Ok(Err(error)) => {
            tracing::error!(event_type, %error, "clerk webhook not applied");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        Err(error) => {
            tracing::error!(event_type, %error, "clerk webhook task failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

async fn users(State(store): State<Store>) -> Result<Json<Vec<Value>>, StatusCode> {
    match tokio::task::spawn_blocking(move || store.users()).await {
        Ok(Ok(users)) => Ok(Json(users)),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot read the users");
            Err(StatusCode::INTERNAL_SERVER_ERROR)
        }
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}
