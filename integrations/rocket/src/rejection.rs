//! [`ClerkRejection`]: why a [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected)
//! guard refused a request, and its response.

use std::fmt;
use std::io::Cursor;

use rocket::Request;
use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder, Response};

/// The message of the `500` answered when the guards are used without [`ClerkFairing`](crate::ClerkFairing).
const MISSING_SETUP_MESSAGE: &str =
    "ClerkFairing is not attached: add .attach(ClerkFairing::new(config)) to your Rocket";

/// Why a [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected) guard refused a
/// request.
///
/// As a [`Responder`] it answers a terse JSON body (`content-type: application/json`):
///
/// | variant | status | body |
/// | --- | --- | --- |
/// | [`Unauthenticated`](Self::Unauthenticated) | `401` + `WWW-Authenticate: Bearer` | `{"error":"unauthenticated","reason":<reason or null>}` |
/// | [`Forbidden`](Self::Forbidden) | `403` | `{"error":"forbidden"}` |
/// | [`MissingSetup`](Self::MissingSetup) | `500` | `{"error":"clerk_not_configured","message":"..."}` |
///
/// When a plain `ClerkUser` or `Protected<P>` guard fails, the catchers that
/// [`ClerkFairing`](crate::ClerkFairing) registers answer with this response. To shape the
/// rejection yourself, take `Result<ClerkUser, ClerkRejection>` and map it:
///
/// ```
/// use clerk_rocket::{ClerkRejection, ClerkUser};
/// use rocket::{get, http::Status, serde::json::{json, Value}};
///
/// #[get("/me")]
/// fn me(user: Result<ClerkUser, ClerkRejection>) -> Result<String, (Status, Value)> {
///     let user = user.map_err(|rejection| {
///         let status = Status::new(rejection.status_code());
///         (status, json!({ "ok": false, "why": rejection.reason() }))
///     })?;
///     Ok(format!("hello {}", user.user_id()))
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClerkRejection {
    /// The request is not signed in: `401` with `WWW-Authenticate: Bearer`.
    Unauthenticated {
        /// Clerk's reason code, e.g. `cookie-and-uat-missing` or `token-expired`.
        reason: Option<&'static str>,
    },
    /// Signed in, but the session does not satisfy the route's [`Policy`](crate::Policy): `403`.
    Forbidden,
    /// The guard ran without [`ClerkFairing`](crate::ClerkFairing): `500`. The `Sentinel`
    /// implementations of the guards make this a launch failure in the common case.
    MissingSetup,
}

impl ClerkRejection {
    /// The HTTP status code: `401`, `403` or `500`.
    ///
    /// ```
    /// use clerk_rocket::ClerkRejection;
    ///
    /// assert_eq!(ClerkRejection::Forbidden.status_code(), 403);
    /// ```
    #[must_use]
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated { .. } => 401,
            Self::Forbidden => 403,
            Self::MissingSetup => 500,
        }
    }

    /// Clerk's reason code for an [`Unauthenticated`](Self::Unauthenticated) rejection.
    ///
    /// ```
    /// use clerk_rocket::ClerkRejection;
    ///
    /// let rejection = ClerkRejection::Unauthenticated { reason: Some("token-expired") };
    /// assert_eq!(rejection.reason(), Some("token-expired"));
    /// assert_eq!(ClerkRejection::Forbidden.reason(), None);
    /// ```
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Unauthenticated { reason } => *reason,
            Self::Forbidden | Self::MissingSetup => None,
        }
    }

    /// The JSON body of the response.
    fn body(&self) -> String {
        let value = match self {
            Self::Unauthenticated { reason } => {
                serde_json::json!({ "error": "unauthenticated", "reason": reason })
            }
            Self::Forbidden => serde_json::json!({ "error": "forbidden" }),
            Self::MissingSetup => serde_json::json!({
                "error": "clerk_not_configured",
                "message": MISSING_SETUP_MESSAGE,
            }),
        };
        value.to_string()
    }

    /// Emits the tracing event of this rejection (never token contents).
    pub(crate) fn trace(&self) {
        match self {
            Self::Unauthenticated { reason } => {
                tracing::debug!(
                    reason = reason.unwrap_or(""),
                    "clerk: unauthenticated (401)"
                );
            }
            Self::Forbidden => tracing::debug!("clerk: policy not satisfied (403)"),
            Self::MissingSetup => tracing::error!("clerk: {MISSING_SETUP_MESSAGE}"),
        }
    }
}

impl fmt::Display for ClerkRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthenticated { reason: Some(r) } => write!(f, "unauthenticated ({r})"),
            Self::Unauthenticated { reason: None } => f.write_str("unauthenticated"),
            Self::Forbidden => f.write_str("forbidden"),
            Self::MissingSetup => f.write_str("clerk is not configured: attach ClerkFairing"),
        }
    }
}

impl std::error::Error for ClerkRejection {}

impl<'r> Responder<'r, 'static> for ClerkRejection {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let body = self.body();
        let mut response = Response::build();
        response
            .status(Status::new(self.status_code()))
            .header(ContentType::JSON)
            .sized_body(body.len(), Cursor::new(body));
        if matches!(self, Self::Unauthenticated { .. }) {
            response.header(Header::new("WWW-Authenticate", "Bearer"));
        }
        response.ok()
    }
}
