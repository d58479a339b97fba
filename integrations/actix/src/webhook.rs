//! [`ClerkWebhook`]: a verified Clerk webhook delivery, and [`WebhookRejection`].

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use clerk_core::WebhookVerifier;
use clerk_core::integration::WebhookRejection as Refusal;
use serde::de::DeserializeOwned;

use crate::rejection::answer_response;

clerk_core::__define_webhook! {
    crate = "clerk_actix";
    fix = "Clerk webhooks are not configured for this route: add \
           .app_data(web::Data::new(WebhookVerifier::from_env()?)) to your App (the verifier \
           reads CLERK_WEBHOOK_SIGNING_SECRET)";
    /// A verified Clerk webhook delivery: an extractor that reads the raw body, checks its
    /// signature with the [`WebhookVerifier`] in the app data (`web::Data<WebhookVerifier>` or
    /// a plain `WebhookVerifier`) and parses the body.
    ///
    /// The body limit is actix-web's `PayloadConfig` (256 KiB unless changed), far above
    /// Clerk's largest events; over it the answer is `413`.
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, post, web};
    /// use clerk_actix::ClerkWebhook;
    /// use clerk_actix::clerk_core::{ClerkEvent, WebhookVerifier};
    ///
    /// #[post("/webhooks/clerk")]
    /// async fn clerk_webhook(webhook: ClerkWebhook) -> HttpResponse {
    ///     match webhook.typed() {
    ///         Ok(ClerkEvent::UserCreated(user)) => println!("new user {}", user.id),
    ///         // Every other event, even one this SDK does not know yet: 2xx, or Clerk retries.
    ///         _ => {}
    ///     }
    ///     HttpResponse::NoContent().finish()
    /// }
    ///
    /// # fn app() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = web::Data::new(WebhookVerifier::from_env()?);
    /// let app = App::new().app_data(verifier).service(clerk_webhook);
    /// # let _ = app; Ok(()) }
    /// ```
    pub struct ClerkWebhook;
    /// Why [`ClerkWebhook`] refused a request; an [`actix_web::ResponseError`], so it answers on
    /// its own. Take `Result<ClerkWebhook, WebhookRejection>` to answer in your own shape.
    pub struct WebhookRejection;
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        answer_response(self.rejection().answer())
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ClerkWebhook<T> {
    type Error = WebhookRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verifier = req
            .app_data::<web::Data<WebhookVerifier>>()
            .map(|data| WebhookVerifier::clone(data))
            .or_else(|| req.app_data::<WebhookVerifier>().cloned());
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let Some(verifier) = verifier else {
                return Err(webhook_missing_setup());
            };
            let bytes = body.await.map_err(|e| {
                let refusal =
                    if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                        Refusal::TooLarge { limit: None }
                    } else {
                        Refusal::Unreadable
                    };
                WebhookRejection::logged(refusal)
            })?;
            receive_webhook(
                &verifier,
                |name| req.headers().get(name).and_then(|v| v.to_str().ok()),
                &bytes,
            )
        })
    }
}
