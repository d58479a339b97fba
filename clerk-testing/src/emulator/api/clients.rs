//! `/v1/clients`: the browsers the emulator knows (one per client cookie).

use http::StatusCode;
use serde_json::{Value, json};

use super::super::exchange::Shared;
use super::super::store::{Client, State};
use super::errors::{Answer, ApiError, ok};
use super::params::{Body, Query, list_page};

fn client_json(s: &State, c: &Client) -> Value {
    let mut sessions: Vec<_> = s.sessions.iter().filter(|x| x.client_id == c.id).collect();
    sessions.sort_by_key(|x| x.created_at);
    let updated_at = sessions
        .iter()
        .map(|x| x.updated_at)
        .max()
        .unwrap_or(c.created_at)
        .max(c.signed_in_at);
    json!({
        "object": "client",
        "id": c.id,
        "session_ids": sessions.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
        "sessions": sessions.iter().map(|x| s.session_json(x)).collect::<Vec<_>>(),
        "sign_in_id": null,
        "sign_up_id": null,
        "last_active_session_id": c.last_active_session_id,
        "last_authentication_strategy": null,
        "created_at": c.created_at,
        "updated_at": updated_at,
    })
}

/// Newest first.
pub(super) fn list(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let mut all: Vec<&Client> = s.clients.iter().collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    ok(list_page(q, &all, |c| client_json(&s, c))?)
}

pub(super) fn get(shared: &Shared, id: &str) -> Answer {
    let s = shared.lock();
    let c = s
        .clients
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(ApiError::not_found)?;
    ok(client_json(&s, c))
}

/// `{"token"}`: what identifies a browser to the emulator, its client cookie's value or a
/// development browser token (`__clerk_db_jwt`) bound to it, stands in for Clerk's client
/// token.
pub(super) fn verify(shared: &Shared, body: &Body) -> Answer {
    let token = body.required_string("token")?;
    let mut s = shared.lock();
    let client_id = match s.dev_browser_mut(&token) {
        Some(d) => d.client_id.clone(),
        None => Some(token),
    };
    let c = client_id
        .and_then(|id| s.clients.iter().find(|c| c.id == id))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "token_invalid",
                "invalid token",
                "The token does not belong to a client of this instance.",
            )
        })?;
    ok(client_json(&s, c))
}
