//! [`ClerkRejection`]: why a [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected)
//! guard refused a request, and its response.

use std::fmt;
use std::io::Cursor;

use clerk_core::integration::HttpAnswer;
use rocket::Request;
use rocket::http::Status;
use rocket::response::{self, Responder, Response};

/// What a route must do when the fairing is missing; part of the `500` body and of `Display`.
const MISSING_SETUP_FIX: &str = "Clerk is not configured for this route: add \
     .attach(ClerkFairing::new(config)) to your Rocket";

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
            Self::MissingSetup => tracing::error!("clerk: {MISSING_SETUP_FIX}"),
        }
    }
}

impl fmt::Display for ClerkRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthenticated { reason: Some(r) } => write!(f, "not signed in ({r})"),
            Self::Unauthenticated { reason: None } => f.write_str("not signed in"),
            Self::Forbidden => f.write_str("forbidden by the route's policy"),
            Self::MissingSetup => f.write_str(MISSING_SETUP_FIX),
        }
    }
}

impl std::error::Error for ClerkRejection {}

impl<'r> Responder<'r, 'static> for ClerkRejection {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        answer_response(match self {
            Self::Unauthenticated { reason } => {
                clerk_core::integration::unauthenticated_answer(reason)
            }
            Self::Forbidden => clerk_core::integration::forbidden_answer(),
            Self::MissingSetup => clerk_core::integration::missing_setup_answer(MISSING_SETUP_FIX),
        })
    }
}

/// clerk-core's [`HttpAnswer`] as a Rocket [`Response`] (the `x-clerk-auth-*` headers are added
/// by the fairing's response hook).
pub(crate) fn answer_response(answer: HttpAnswer) -> response::Result<'static> {
    let (status, headers, body) = answer.into_parts();
    let mut response = Response::build();
    response
        .status(Status::new(status))
        .sized_body(body.len(), Cursor::new(body));
    for (name, value) in headers {
        response.raw_header(name, value);
    }
    response.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_accessors() {
        let r = ClerkRejection::Unauthenticated {
            reason: Some("cookie-and-uat-missing"),
        };
        assert_eq!(r.to_string(), "not signed in (cookie-and-uat-missing)");
        assert_eq!(r.reason(), Some("cookie-and-uat-missing"));
        assert_eq!(r.status_code(), 401);
        assert_eq!(
            ClerkRejection::Unauthenticated { reason: None }.to_string(),
            "not signed in"
        );
        assert_eq!(
            ClerkRejection::Forbidden.to_string(),
            "forbidden by the route's policy"
        );
        assert!(
            ClerkRejection::MissingSetup
                .to_string()
                .contains(".attach(ClerkFairing::new(config))")
        );
        assert_eq!(ClerkRejection::MissingSetup.reason(), None);
        assert_eq!(ClerkRejection::MissingSetup.status_code(), 500);
    }

    #[test]
    fn answers_are_clerk_cores() {
        let response = answer_response(clerk_core::integration::unauthenticated_answer(Some(
            "token-expired",
        )))
        .expect("response");
        assert_eq!(response.status(), Status::Unauthorized);
        assert_eq!(
            response.headers().get_one("content-type"),
            Some("application/json")
        );
        assert_eq!(
            response.headers().get_one("www-authenticate"),
            Some("Bearer")
        );
    }
}
