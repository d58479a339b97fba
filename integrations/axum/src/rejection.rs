//! [`ClerkRejection`]: why an extractor refused a request, and the response it becomes.

use axum::response::{IntoResponse, Response};
use clerk_core::integration::HttpAnswer;
use http::{HeaderValue, StatusCode};

clerk_core::__define_rejection! {
    crate = "clerk_axum";
    fix = "Clerk is not configured for this route: add \
           .layer(ClerkLayer::new(config)) to your Router, after the routes it protects \
           (Router::layer wraps only the routes added before it)";
    /// Why [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected) refused a request.
    ///
    /// It is the extractors' rejection and answers the request on its own through
    /// [`IntoResponse`]. To answer in your own shape, take `Result<ClerkUser, ClerkRejection>`
    /// (or `Result<Protected<P>, ClerkRejection>`) in the handler and map the rejection:
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
    pub struct ClerkRejection;
}

impl IntoResponse for ClerkRejection {
    fn into_response(self) -> Response {
        answer_response(self.rejection().answer())
    }
}

/// clerk-core's [`HttpAnswer`] as an axum [`Response`] (the `x-clerk-auth-*` headers are added by
/// the layer).
pub(crate) fn answer_response(answer: HttpAnswer) -> Response {
    let (status, headers, body) = answer.into_parts();
    // Only the answer's own headers: every answer with a body names its content type, and the
    // handshake's `307` has neither (not axum's `text/plain` of a `String`).
    let mut response = Response::new(axum::body::Body::from(body));
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
    use clerk_core::integration::Rejection;
    use clerk_core::{AuthReason, TokenVerificationErrorReason};
    use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
    use serde_json::{Value, json};

    use super::*;

    async fn parts(rejection: Rejection) -> (u16, Option<String>, Option<String>, Value) {
        let response = ClerkRejection::from(rejection).into_response();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, www) = (header(CONTENT_TYPE), header(WWW_AUTHENTICATE));
        let status = response.status().as_u16();
        if status == 503 {
            assert_eq!(header(RETRY_AFTER).as_deref(), Some("5"));
        }
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, content_type, www, body)
    }

    #[tokio::test]
    async fn bodies() {
        let json = Some("application/json".to_owned());
        let expired = Some(AuthReason::Token(
            TokenVerificationErrorReason::TokenExpired,
        ));
        let (status, ct, www, body) = parts(Rejection::Unauthenticated { reason: expired }).await;
        assert_eq!((status, &ct, www.as_deref()), (401, &json, Some("Bearer")));
        assert_eq!(
            body,
            json!({"error": "unauthenticated", "reason": "token-expired"})
        );

        let (_, _, www, body) = parts(Rejection::Unauthenticated { reason: None }).await;
        assert_eq!(www.as_deref(), Some("Bearer"));
        assert_eq!(body, json!({"error": "unauthenticated", "reason": null}));

        let (status, ct, www, body) = parts(Rejection::Forbidden { policy: "P" }).await;
        assert_eq!((status, &ct, www), (403, &json, None));
        assert_eq!(body, json!({"error": "forbidden"}));

        let failed = Some(AuthReason::Token(
            TokenVerificationErrorReason::JwkRemoteFailedToLoad,
        ));
        let (status, ct, _, body) = parts(Rejection::Unavailable { reason: failed }).await;
        assert_eq!((status, &ct), (503, &json));
        assert_eq!(
            body,
            json!({"status": "signed-out", "reason": "jwk-remote-failed-to-load"})
        );

        let setup = Rejection::missing_setup(ClerkRejection::MISSING_SETUP_FIX);
        let (status, ct, _, body) = parts(setup).await;
        assert_eq!((status, &ct), (500, &json));
        assert_eq!(body["error"], "clerk_not_configured");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains(".layer(ClerkLayer::new(config))"))
        );
    }
}
