//! `/v1/sessions`, and the session tokens the Backend API and the clerk-js stand-in mint.

use std::time::Duration;

use http::StatusCode;
use serde_json::Value;

use super::super::exchange::Shared;
use super::super::records::JwtTemplate;
use super::super::store::{self, Session, State};
use super::errors::{Answer, ApiError, ok};
use super::params::{Query, list_page};

// ---- sessions -------------------------------------------------------------------------------

pub(super) fn sessions_list(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let mut sessions: Vec<(&Session, Value)> = s
        .sessions
        .iter()
        .map(|x| (x, s.session_json(x)))
        .filter(|(x, v)| {
            q.first("user_id").is_none_or(|u| x.user_id == u)
                && q.first("client_id").is_none_or(|c| x.client_id == c)
                && q.first("status").is_none_or(|st| v["status"] == st)
        })
        .collect();
    sessions.sort_by_key(|(x, _)| std::cmp::Reverse(x.created_at));
    ok(list_page(q, &sessions, |(_, v)| v.clone())?)
}

/// A session token for an active session: the user, the session, the active organization's
/// claims, `azp` when given, issued now.
pub(crate) fn session_token(
    shared: &Shared,
    state: &State,
    session: &Session,
    lifetime: Duration,
    authorized_party: Option<&str>,
) -> Result<String, ApiError> {
    session_token_builder(shared, state, session, lifetime, authorized_party).map(|b| b.sign())
}

/// A session token from a JWT template: the session's claims plus the template's (taken as
/// they are: the emulator does not expand `{{user...}}` shortcodes), for the template's
/// lifetime.
pub(super) fn template_token(
    shared: &Shared,
    state: &State,
    session: &Session,
    template: &JwtTemplate,
) -> Result<String, ApiError> {
    let lifetime = Duration::from_secs(u64::try_from(template.lifetime).unwrap_or(60));
    let mut builder = session_token_builder(shared, state, session, lifetime, None)?;
    if let Some(claims) = template.claims.as_object() {
        for (k, v) in claims {
            builder = builder.claim(k.clone(), v.clone());
        }
    }
    Ok(builder.sign())
}

fn session_token_builder(
    shared: &Shared,
    state: &State,
    session: &Session,
    lifetime: Duration,
    authorized_party: Option<&str>,
) -> Result<crate::TokenBuilder, ApiError> {
    if !session.is_active(store::now_ms()) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No active session was found with id {}.", session.id),
        ));
    }
    let mut builder = shared
        .instance
        .token()
        .user_id(session.user_id.clone())
        .session_id(Some(&session.id))
        .lifetime(lifetime);
    if let Some(claims) = state.org_claims(session) {
        builder = builder
            .org_id(claims.id)
            .org_role(claims.role)
            .org_slug(claims.slug)
            .org_permissions(claims.permissions);
    }
    if let Some(azp) = authorized_party {
        builder = builder.authorized_party(azp);
    }
    Ok(builder)
}
