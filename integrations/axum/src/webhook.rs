//! [`ClerkWebhook`]: a verified Clerk webhook delivery, and [`WebhookRejection`].

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use clerk_core::WebhookVerifier;
use clerk_core::integration::WebhookRejection as Refusal;
use serde::de::DeserializeOwned;

use crate::rejection::answer_response;

clerk_core::__define_webhook! {
    crate = "clerk_axum";
    fix = "Clerk webhooks are not configured for this route: add \
           .layer(Extension(WebhookVerifier::from_env()?)) to your Router (the verifier reads \
           CLERK_WEBHOOK_SIGNING_SECRET), after the webhook route";
    /// A verified Clerk webhook delivery: an extractor that reads the raw body, checks its
    /// signature with the [`WebhookVerifier`] in the request's extensions and parses the body.
    /// It consumes the body, so it is the handler's **last** argument.
    ///
    /// The body limit is axum's (`DefaultBodyLimit`, 2 MB unless changed), far above Clerk's
    /// largest events; over it the answer is `413`.
    ///
    /// ```
    /// use axum::{Extension, Router, http::StatusCode, routing::post};
    /// use clerk_axum::ClerkWebhook;
    /// use clerk_axum::clerk_core::{ClerkEvent, WebhookVerifier};
    ///
    /// async fn clerk_webhook(webhook: ClerkWebhook) -> StatusCode {
    ///     match webhook.typed() {
    ///         Ok(ClerkEvent::UserCreated(user)) => println!("new user {}", user.id),
    ///         Ok(ClerkEvent::UserDeleted(deleted)) => println!("gone: {:?}", deleted.id),
    ///         // Every other event, even one this SDK does not know yet: 2xx, or Clerk retries.
    ///         _ => {}
    ///     }
    ///     StatusCode::NO_CONTENT
    /// }
    ///
    /// # fn app() -> Result<Router, Box<dyn std::error::Error>> {
    /// let app: Router = Router::new()
    ///     .route("/webhooks/clerk", post(clerk_webhook))
    ///     .layer(Extension(WebhookVerifier::from_env()?));
    /// # Ok(app) }
    /// ```
    pub struct ClerkWebhook;
    /// Why [`ClerkWebhook`] refused a request; it answers on its own through [`IntoResponse`].
    /// Take `Result<ClerkWebhook, WebhookRejection>` to answer in your own shape.
    pub struct WebhookRejection;
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        answer_response(self.rejection().answer())
    }
}

impl<S, T> FromRequest<S> for ClerkWebhook<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    fn from_request(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let verifier = request.extensions().get::<WebhookVerifier>().cloned();
        // Reading the body consumes the request (and its body limit travels with it).
        let headers = request.headers().clone();
        async move {
            let Some(verifier) = verifier else {
                return Err(webhook_missing_setup());
            };
            let bytes = Bytes::from_request(request, state).await.map_err(|e| {
                let refusal = if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                    Refusal::TooLarge { limit: None }
                } else {
                    Refusal::Unreadable
                };
                WebhookRejection::logged(refusal)
            })?;
            receive_webhook(
                &verifier,
                |name| headers.get(name).and_then(|v| v.to_str().ok()),
                &bytes,
            )
        }
    }
}
