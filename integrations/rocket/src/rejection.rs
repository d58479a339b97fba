//! [`ClerkRejection`]: why a [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected)
//! guard refused a request, and its response.

use std::io::Cursor;

use clerk_core::integration::HttpAnswer;
use rocket::Request;
use rocket::http::Status;
use rocket::response::{self, Responder, Response};

clerk_core::__define_rejection! {
    crate = "clerk_rocket";
    fix = "Clerk is not configured for this route: add \
           .attach(ClerkFairing::new(config)) to your Rocket";
    /// Why a [`ClerkUser`](crate::ClerkUser) or [`Protected`](crate::Protected) guard refused a
    /// request.
    ///
    /// When a plain `ClerkUser` or `Protected<P>` guard fails, the catchers that
    /// [`ClerkFairing`](crate::ClerkFairing) registers answer with this [`Responder`]. The
    /// `Sentinel` implementations of the guards make a missing fairing a launch failure in the
    /// common case. To shape the rejection yourself, take `Result<ClerkUser, ClerkRejection>` and
    /// map it:
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
    pub struct ClerkRejection;
}

impl<'r> Responder<'r, 'static> for ClerkRejection {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        answer_response(self.rejection().answer())
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
    use clerk_core::integration::{Rejection, unauthenticated_answer};

    use super::*;

    #[test]
    fn outage_and_missing_setup() {
        let setup = ClerkRejection::missing_setup();
        assert!(
            setup
                .to_string()
                .contains(".attach(ClerkFairing::new(config))")
        );
        let r = ClerkRejection::from(Rejection::Unavailable { reason: None });
        let response = answer_response(r.rejection().answer()).expect("response");
        assert_eq!(response.status(), Status::ServiceUnavailable);
        assert_eq!(response.headers().get_one("retry-after"), Some("5"));
    }

    #[test]
    fn answers_are_clerk_cores() {
        let response =
            answer_response(unauthenticated_answer(Some("token-expired"))).expect("response");
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
