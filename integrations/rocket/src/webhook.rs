//! [`ClerkWebhook`]: a verified Clerk webhook delivery, and [`WebhookRejection`].

use clerk_core::WebhookVerifier;
use clerk_core::integration::WebhookRejection as Refusal;
use rocket::data::{self, ByteUnit, Data, FromData};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::response::{self, Responder};
use rocket::{Ignite, Request, Rocket, Sentinel};
use serde::de::DeserializeOwned;

use crate::rejection::answer_response;

/// The name of the body limit [`ClerkWebhook`] reads (`limits.clerk-webhook` in Rocket.toml).
pub const WEBHOOK_LIMIT: &str = "clerk-webhook";

/// The body limit when `limits.clerk-webhook` is not set: 1 MiB, far above Clerk's largest
/// events (Rocket's own `bytes` limit, 8 KiB, is below some of them).
pub const DEFAULT_WEBHOOK_LIMIT: ByteUnit = ByteUnit::Mebibyte(1);

clerk_core::__define_webhook! {
    crate = "clerk_rocket";
    fix = "Clerk webhooks are not configured: add \
           .manage(WebhookVerifier::from_env()?) to your Rocket (the verifier reads \
           CLERK_WEBHOOK_SIGNING_SECRET)";
    /// A verified Clerk webhook delivery: a data guard that reads the raw body, checks its
    /// signature with the managed [`WebhookVerifier`] and parses the body.
    ///
    /// The body limit is `limits.clerk-webhook` ([`DEFAULT_WEBHOOK_LIMIT`], 1 MiB, unless
    /// set); over it the guard fails with `413`. Without a managed verifier the launch aborts
    /// (a [`Sentinel`]). Failures are forwarded to Rocket's catchers with their status; take
    /// `Result<ClerkWebhook, WebhookRejection>` to answer with its JSON body (or your own).
    ///
    /// ```
    /// use clerk_rocket::clerk_core::{ClerkEvent, WebhookVerifier};
    /// use clerk_rocket::{ClerkWebhook, WebhookRejection};
    /// use rocket::http::Status;
    /// use rocket::{post, routes};
    ///
    /// #[post("/webhooks/clerk", data = "<webhook>")]
    /// fn clerk_webhook(webhook: Result<ClerkWebhook, WebhookRejection>) -> Result<Status, WebhookRejection> {
    ///     match webhook?.typed() {
    ///         Ok(ClerkEvent::UserCreated(user)) => println!("new user {}", user.id),
    ///         // Every other event, even one this SDK does not know yet: 2xx, or Clerk retries.
    ///         _ => {}
    ///     }
    ///     Ok(Status::NoContent)
    /// }
    ///
    /// # fn app() -> Result<rocket::Rocket<rocket::Build>, Box<dyn std::error::Error>> {
    /// let rocket = rocket::build()
    ///     .manage(WebhookVerifier::from_env()?)
    ///     .mount("/", routes![clerk_webhook]);
    /// # Ok(rocket) }
    /// ```
    pub struct ClerkWebhook;
    /// Why [`ClerkWebhook`] refused a request; a [`Responder`] answering its JSON body.
    pub struct WebhookRejection;
}

impl<'r> Responder<'r, 'static> for WebhookRejection {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        answer_response(self.rejection().answer())
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send> FromData<'r> for ClerkWebhook<T> {
    type Error = WebhookRejection;

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let Some(verifier) = request.rocket().state::<WebhookVerifier>() else {
            return Outcome::Error((Status::InternalServerError, webhook_missing_setup()));
        };
        let limit = request
            .limits()
            .get(WEBHOOK_LIMIT)
            .unwrap_or(DEFAULT_WEBHOOK_LIMIT);
        let body = match data.open(limit).into_bytes().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => {
                let limit = Some(limit.as_u64());
                let refusal = WebhookRejection::logged(Refusal::TooLarge { limit });
                return Outcome::Error((Status::PayloadTooLarge, refusal));
            }
            Err(_) => {
                let refusal = WebhookRejection::logged(Refusal::Unreadable);
                return Outcome::Error((Status::BadRequest, refusal));
            }
        };
        match receive_webhook(verifier, |name| request.headers().get_one(name), &body) {
            Ok(webhook) => Outcome::Success(webhook),
            Err(refusal) => Outcome::Error((Status::new(refusal.status_code()), refusal)),
        }
    }
}

impl<T> Sentinel for ClerkWebhook<T> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        let missing = rocket.state::<WebhookVerifier>().is_none();
        if missing {
            tracing::error!(
                "clerk: a route takes ClerkWebhook but no WebhookVerifier is managed: add \
                 .manage(WebhookVerifier::from_env()?) to your Rocket"
            );
        }
        missing
    }
}
