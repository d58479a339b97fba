//! [`ClerkRejection`]: why [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected)
//! refused a request, and the response it becomes.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use clerk_core::integration::HttpAnswer;

clerk_core::__define_rejection! {
    crate = "clerk_actix";
    fix = "Clerk is not configured for this route: add \
           .wrap(ClerkMiddleware::new(config)) to your App (or to the Scope serving this route)";
    /// Why an extractor refused a request.
    ///
    /// It is an [`actix_web::ResponseError`], so a handler that takes
    /// [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected) answers with it
    /// directly. To answer in your own shape, take `Result<ClerkUser, ClerkRejection>` and map
    /// the error:
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
    pub struct ClerkRejection;
}

impl ResponseError for ClerkRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.rejection().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        answer_response(self.rejection().answer())
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
    use clerk_core::integration::Rejection;
    use clerk_core::{AuthReason, TokenVerificationErrorReason};
    use serde_json::json;

    use super::*;

    fn body_of(rejection: Rejection) -> (u16, serde_json::Value, Option<String>) {
        let rejection = ClerkRejection::from(rejection);
        let response = rejection.error_response();
        let status = response.status().as_u16();
        assert_eq!(ResponseError::status_code(&rejection).as_u16(), status);
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
        let expired = Some(AuthReason::Token(
            TokenVerificationErrorReason::TokenExpired,
        ));
        let (status, json, www) = body_of(Rejection::Unauthenticated { reason: expired });
        assert_eq!(status, 401);
        assert_eq!(
            json,
            json!({"error": "unauthenticated", "reason": "token-expired"})
        );
        assert_eq!(www.as_deref(), Some("Bearer"));

        let (status, json, www) = body_of(Rejection::Unauthenticated { reason: None });
        assert_eq!(status, 401);
        assert_eq!(json, json!({"error": "unauthenticated", "reason": null}));
        assert_eq!(www.as_deref(), Some("Bearer"));

        let (status, json, www) = body_of(Rejection::Forbidden { policy: "P" });
        assert_eq!((status, www), (403, None));
        assert_eq!(json, json!({"error": "forbidden"}));

        let (status, json, _) = body_of(Rejection::Unavailable { reason: None });
        assert_eq!(status, 503);
        assert_eq!(json, json!({"status": "signed-out", "reason": null}));

        let setup = Rejection::missing_setup(ClerkRejection::MISSING_SETUP_FIX);
        let (status, json, _) = body_of(setup);
        assert_eq!(status, 500);
        assert_eq!(json["error"], "clerk_not_configured");
        assert!(
            json["message"]
                .as_str()
                .unwrap_or_default()
                .contains(".wrap(ClerkMiddleware::new(config))")
        );
    }
}
