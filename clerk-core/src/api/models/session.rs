//! Sessions, clients and session tokens.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

super::string_enum! {
    /// The status of a session.
    pub enum SessionStatus {
        /// Signed in.
        Active = "active",
        /// Revoked by the backend.
        Revoked = "revoked",
        /// Signed out.
        Ended = "ended",
        /// Past its lifetime.
        Expired = "expired",
        /// Removed by the user.
        Removed = "removed",
        /// Inactive for too long.
        Abandoned = "abandoned",
        /// Replaced by another session.
        Replaced = "replaced",
        /// Waiting for the user to complete a task.
        Pending = "pending",
    }
}

/// A session of a user on a client.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Session {
    /// Always `"session"`.
    pub object: String,
    /// The id, e.g. `sess_...`.
    pub id: String,
    /// The user this session belongs to.
    pub user_id: String,
    /// The client (device/browser) this session lives on.
    pub client_id: String,
    /// The impersonator, for actor (impersonation) sessions.
    pub actor: Option<Value>,
    /// The status.
    pub status: SessionStatus,
    /// The organization last active in this session.
    pub last_active_organization_id: Option<String>,
    /// Last activity (Unix ms).
    pub last_active_at: i64,
    /// Details of the latest activity (raw JSON: device, browser, location).
    pub latest_activity: Option<Value>,
    /// When the session expires (Unix ms).
    pub expire_at: i64,
    /// When the session will be abandoned if inactive (Unix ms).
    pub abandon_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Pending tasks (raw JSON).
    pub tasks: Option<Vec<Value>>,
}

/// A client: one browser or device, holding sessions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Client {
    /// Always `"client"`.
    pub object: String,
    /// The id, e.g. `client_...`.
    pub id: String,
    /// Ids of the sessions on this client.
    pub session_ids: Vec<String>,
    /// The sessions on this client.
    pub sessions: Vec<Session>,
    /// The sign-in in progress, if any.
    pub sign_in_id: Option<String>,
    /// The sign-up in progress, if any.
    pub sign_up_id: Option<String>,
    /// The last active session.
    pub last_active_session_id: Option<String>,
    /// The strategy used last to authenticate.
    pub last_authentication_strategy: Option<String>,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
}

/// A session token (a JWT), as created by
/// [`Sessions::create_token`](crate::api::Sessions::create_token).
///
/// `Debug` does not show the token.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SessionToken {
    /// Always `"token"`.
    pub object: String,
    /// The signed JWT.
    pub jwt: String,
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionToken")
            .field("object", &self.object)
            .field("jwt", &"[redacted]")
            .finish()
    }
}
