//! [`ClerkRejection`]: why an extractor refused a request, and the response it becomes.

use std::fmt;

use axum::response::{IntoResponse, Response};
use clerk_core::integration::HttpAnswer;
use http::{HeaderValue, StatusCode};

/// What a route must do when the layer is missing; part of the `500` body and of `Display`.
pub(crate) const MISSING_SETUP_FIX: &str = "Clerk is not configured for this route: add \
     .layer(ClerkLayer::new(config)) to your Router, after the routes it protects \
     (Router::layer wraps only the routes added before it)";

/// Why [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected) refused a request.
///
/// It is the extractors' rejection and answers the request on its own through
/// [`IntoResponse`], with a terse JSON body (`content-type: application/json`):
///
/// | variant | status | body |
/// |---|---|---|
/// | [`Unauthenticated`](Self::Unauthenticated) | `401` + `WWW-Authenticate: Bearer` | `{"error":"unauthenticated","reason":<reason or null>}` |
/// | [`Forbidden`](Self::Forbidden) | `403` | `{"error":"forbidden"}` |
/// | [`MissingSetup`](Self::MissingSetup) | `500` | `{"error":"clerk_not_configured","message":"… add .layer(ClerkLayer::new(config)) …"}` |
///
/// To answer in your own shape, take `Result<ClerkUser, ClerkRejection>` (or
/// `Result<Protected<P>, ClerkRejection>`) in the handler and map the rejection:
///
/// ```
/// use axum::{Json, http::StatusCode};
/// use clerk_axum::{ClerkRejection, ClerkUser};
/// use serde_json::{Value, json};
///
/// async fn me(user: Result<ClerkUser, ClerkRejection>) -> Result<String, (StatusCode, Json<Value>)> {
///     let user = user.map_err(|rejection| {
///         let status = StatusCode::from_u16(rejection.status_code())
///             .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
///         (status, Json(json!({ "code": status.as_u16(), "detail": rejection.to_string() })))
///     })?;
///     Ok(format!("hello {}", user.user_id()))
/// }
/// # let _: axum::Router = axum::Router::new().route("/me", axum::routing::get(me));
/// ```
///
/// Each rejection emits a `tracing` event when it is created (`debug` for `401` and `403`,
/// `error` for `500`) with the reason; token contents are never logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClerkRejection {
    /// The request is not signed in: `401` with `WWW-Authenticate: Bearer`.
    Unauthenticated {
        /// Clerk's auth reason, e.g. `token-expired` or `cookie-and-uat-missing`
        /// (the `x-clerk-auth-reason` header); `None` when there is none.
        reason: Option<&'static str>,
    },
    /// The request is signed in but the session does not satisfy the route's
    /// [`Policy`](crate::Policy): `403`.
    Forbidden,
    /// No [`ClerkLayer`](crate::ClerkLayer) ran for this request: `500`, whose body names the fix.
    MissingSetup,
}

impl ClerkRejection {
    pub(crate) fn unauthenticated(reason: Option<&'static str>) -> Self {
        tracing::debug!(
            reason = reason.unwrap_or(""),
            "clerk: rejected with 401, not signed in"
        );
        Self::Unauthenticated { reason }
    }

    pub(crate) fn forbidden(policy: &'static str, user_id: &str) -> Self {
        tracing::debug!(
            policy,
            user_id,
            "clerk: rejected with 403, the session does not satisfy the policy"
        );
        Self::Forbidden
    }

    pub(crate) fn missing_setup() -> Self {
        tracing::error!("clerk: rejected with 500: {MISSING_SETUP_FIX}");
        Self::MissingSetup
    }

    /// The HTTP status code of the response: `401`, `403` or `500`.
    ///
    /// ```
    /// use clerk_axum::ClerkRejection;
    ///
    /// assert_eq!(ClerkRejection::Forbidden.status_code(), 403);
    /// assert_eq!(ClerkRejection::MissingSetup.status_code(), 500);
    /// ```
    #[must_use]
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated { .. } => 401,
            Self::Forbidden => 403,
            Self::MissingSetup => 500,
        }
    }

    /// Clerk's auth reason of an [`Unauthenticated`](Self::Unauthenticated) rejection, such as
    /// `token-expired`; `None` otherwise.
    ///
    /// ```
    /// use clerk_axum::ClerkRejection;
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
}

impl fmt::Display for ClerkRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthenticated {
                reason: Some(reason),
            } => write!(f, "not signed in ({reason})"),
            Self::Unauthenticated { reason: None } => f.write_str("not signed in"),
            Self::Forbidden => f.write_str("forbidden by the route's policy"),
            Self::MissingSetup => f.write_str(MISSING_SETUP_FIX),
        }
    }
}

impl std::error::Error for ClerkRejection {}

impl IntoResponse for ClerkRejection {
    fn into_response(self) -> Response {
        answer_response(match self {
            Self::Unauthenticated { reason } => {
                clerk_core::integration::unauthenticated_answer(reason)
            }
            Self::Forbidden => clerk_core::integration::forbidden_answer(),
            Self::MissingSetup => clerk_core::integration::missing_setup_answer(MISSING_SETUP_FIX),
        })
    }
}

/// clerk-core's [`HttpAnswer`] as an axum [`Response`] (the `x-clerk-auth-*` headers are added by
/// the layer).
pub(crate) fn answer_response(answer: HttpAnswer) -> Response {
    let (status, headers, body) = answer.into_parts();
    let mut response = body.into_response();
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    for (name, value) in headers {
        map.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
    use serde_json::{Value, json};

    use super::*;

    async fn parts(rejection: ClerkRejection) -> (u16, Option<String>, Option<String>, Value) {
        let response = rejection.into_response();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, www) = (header(CONTENT_TYPE), header(WWW_AUTHENTICATE));
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, content_type, www, body)
    }

    #[tokio::test]
    async fn bodies() {
        let json = Some("application/json".to_owned());
        let (status, ct, www, body) = parts(ClerkRejection::Unauthenticated {
            reason: Some("token-expired"),
        })
        .await;
        assert_eq!((status, &ct, www.as_deref()), (401, &json, Some("Bearer")));
        assert_eq!(
            body,
            json!({"error": "unauthenticated", "reason": "token-expired"})
        );

        let (_, _, www, body) = parts(ClerkRejection::Unauthenticated { reason: None }).await;
        assert_eq!(www.as_deref(), Some("Bearer"));
        assert_eq!(body, json!({"error": "unauthenticated", "reason": null}));

        let (status, ct, www, body) = parts(ClerkRejection::Forbidden).await;
        assert_eq!((status, &ct, www), (403, &json, None));
        assert_eq!(body, json!({"error": "forbidden"}));

        let (status, ct, _, body) = parts(ClerkRejection::MissingSetup).await;
        assert_eq!((status, &ct), (500, &json));
        assert_eq!(body["error"], "clerk_not_configured");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains(".layer(ClerkLayer::new(config))"))
        );
    }

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
                .contains("ClerkLayer::new")
        );
        assert_eq!(ClerkRejection::MissingSetup.reason(), None);
    }
}
