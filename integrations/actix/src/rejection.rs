//! [`ClerkRejection`]: why [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected)
//! refused a request, and the response it becomes.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use clerk_core::integration::HttpAnswer;

/// The fix named by the `500` answered when the middleware is missing.
const MISSING_SETUP_FIX: &str = "Clerk is not configured for this route: add \
     .wrap(ClerkMiddleware::new(config)) to your App (or to the Scope serving this route)";

/// Why an extractor refused a request.
///
/// It is an [`actix_web::ResponseError`], so a handler that takes [`ClerkUser`](crate::ClerkUser)
/// or [`Protected`](crate::Protected) answers with it directly:
///
/// | variant | status | JSON body |
/// | --- | --- | --- |
/// | [`Unauthenticated`](Self::Unauthenticated) | `401` + `WWW-Authenticate: Bearer` | `{"error":"unauthenticated","reason":<reason or null>}` |
/// | [`Forbidden`](Self::Forbidden) | `403` | `{"error":"forbidden"}` |
/// | [`MissingSetup`](Self::MissingSetup) | `500` | `{"error":"clerk_not_configured","message":<the fix>}` |
///
/// To answer in your own shape, take `Result<ClerkUser, ClerkRejection>` and map the error:
///
/// ```
/// use actix_web::{HttpResponse, Responder};
/// use clerk_actix::{ClerkRejection, ClerkUser};
///
/// async fn me(user: Result<ClerkUser, ClerkRejection>) -> impl Responder {
///     match user {
///         Ok(user) => HttpResponse::Ok().body(user.user_id().to_owned()),
///         Err(rejection) => HttpResponse::build(
///             actix_web::http::StatusCode::from_u16(rejection.status_code())
///                 .unwrap_or(actix_web::http::StatusCode::UNAUTHORIZED),
///         )
///         .body(format!("please sign in ({})", rejection.reason().unwrap_or("no session"))),
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClerkRejection {
    /// The request is not signed in: `401` with `WWW-Authenticate: Bearer`.
    Unauthenticated {
        /// The auth state's reason code (`token-expired`, `cookie-and-uat-missing`, ...), if any.
        reason: Option<&'static str>,
    },
    /// The session does not satisfy the route's [`Policy`](crate::Policy): `403`.
    Forbidden,
    /// [`ClerkMiddleware`](crate::ClerkMiddleware) does not wrap this route: `500` naming the fix.
    MissingSetup,
}

impl ClerkRejection {
    /// A `401`, with a `debug` tracing event carrying the reason.
    pub(crate) fn unauthenticated(reason: Option<&'static str>) -> Self {
        tracing::debug!(
            reason = reason.unwrap_or("none"),
            "clerk: rejected, not signed in (401)"
        );
        Self::Unauthenticated { reason }
    }

    /// A `403`, with a `debug` tracing event.
    pub(crate) fn forbidden(policy: &'static str) -> Self {
        tracing::debug!(policy, "clerk: rejected, policy not satisfied (403)");
        Self::Forbidden
    }

    /// A `500`, with an `error` tracing event naming the fix.
    pub(crate) fn missing_setup() -> Self {
        tracing::error!("clerk: {MISSING_SETUP_FIX}");
        Self::MissingSetup
    }

    /// The HTTP status code: `401`, `403` or `500`.
    ///
    /// ```
    /// use clerk_actix::ClerkRejection;
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

    /// The auth state's reason code for a `401` (`None` otherwise, or when there is none).
    ///
    /// ```
    /// use clerk_actix::ClerkRejection;
    ///
    /// let rejection = ClerkRejection::Unauthenticated { reason: Some("token-expired") };
    /// assert_eq!(rejection.reason(), Some("token-expired"));
    /// ```
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Unauthenticated { reason } => *reason,
            Self::Forbidden | Self::MissingSetup => None,
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

impl ResponseError for ClerkRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::MissingSetup => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        answer_response(match self {
            Self::Unauthenticated { reason } => {
                clerk_core::integration::unauthenticated_answer(*reason)
            }
            Self::Forbidden => clerk_core::integration::forbidden_answer(),
            Self::MissingSetup => clerk_core::integration::missing_setup_answer(MISSING_SETUP_FIX),
        })
    }
}

/// clerk-core's [`HttpAnswer`] as an actix-web [`HttpResponse`] (the `x-clerk-auth-*` headers
/// are added by the middleware).
pub(crate) fn answer_response(answer: HttpAnswer) -> HttpResponse {
    let (status, headers, body) = answer.into_parts();
    let mut response = HttpResponse::build(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    for (name, value) in headers {
        response.insert_header((
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;
    use actix_web::http::header;
    use serde_json::json;

    use super::*;

    fn body_of(rejection: &ClerkRejection) -> (u16, serde_json::Value, Option<String>) {
        let response = rejection.error_response();
        let status = response.status().as_u16();
        let www = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.into_body().try_into_bytes().unwrap_or_default();
        let json = serde_json::from_slice(&bytes).unwrap_or_default();
        (status, json, www)
    }

    #[test]
    fn responses() {
        let (status, json, www) = body_of(&ClerkRejection::Unauthenticated {
            reason: Some("token-expired"),
        });
        assert_eq!(status, 401);
        assert_eq!(
            json,
            json!({"error": "unauthenticated", "reason": "token-expired"})
        );
        assert_eq!(www.as_deref(), Some("Bearer"));

        let (status, json, www) = body_of(&ClerkRejection::Unauthenticated { reason: None });
        assert_eq!(status, 401);
        assert_eq!(json, json!({"error": "unauthenticated", "reason": null}));
        assert_eq!(www.as_deref(), Some("Bearer"));

        let (status, json, www) = body_of(&ClerkRejection::Forbidden);
        assert_eq!((status, www), (403, None));
        assert_eq!(json, json!({"error": "forbidden"}));

        let (status, json, _) = body_of(&ClerkRejection::MissingSetup);
        assert_eq!(status, 500);
        assert_eq!(json["error"], "clerk_not_configured");
        assert!(
            json["message"]
                .as_str()
                .unwrap_or_default()
                .contains(".wrap(ClerkMiddleware::new(config))")
        );
    }

    #[test]
    fn accessors_and_display() {
        let r = ClerkRejection::Unauthenticated {
            reason: Some("cookie-and-uat-missing"),
        };
        assert_eq!(r.status_code(), 401);
        assert_eq!(r.reason(), Some("cookie-and-uat-missing"));
        assert_eq!(r.to_string(), "not signed in (cookie-and-uat-missing)");
        assert_eq!(ClerkRejection::Forbidden.reason(), None);
        assert_eq!(ClerkRejection::MissingSetup.status_code(), 500);
        assert!(ClerkRejection::MissingSetup.to_string().contains("wrap"));
    }
}
