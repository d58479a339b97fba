//! The request/response types the route handlers work with, and what every handler shares.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::Value;

use super::store::State;
use super::webhooks::WebhookTarget;
use crate::TestInstance;

/// What every handler shares: the instance, the emulator's own URL and the store.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) instance: TestInstance,
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub(crate) url: String,
    pub(crate) port: u16,
    pub(crate) token_lifetime: Duration,
    /// Where events are delivered, when a webhook is configured.
    pub(crate) webhook: Option<WebhookTarget>,
    pub(crate) state: Mutex<State>,
}

impl Shared {
    /// The store. A panic while it was held (a bug) does not make it unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The name of the cookie holding the browser's client id. The port is part of the name
    /// because browsers share cookies between all ports of a host.
    pub(crate) fn client_cookie_name(&self) -> String {
        format!("__emulator_client_{}", self.port)
    }
}

/// A request with its body read.
#[derive(Debug)]
pub(crate) struct Req {
    pub(crate) method: Method,
    /// The raw (still percent-encoded) path.
    pub(crate) path: String,
    /// The raw query string, without `?`.
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Req {
    /// A header as text; absent when missing, empty or not visible ASCII.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The first cookie `name` over all `Cookie` fields.
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        clerk_core::integration::get_cookie_from_fields(
            self.headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
            name,
        )
        .map(|c| c.into_owned())
    }

    /// The decoded query pairs, in order.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The decoded `application/x-www-form-urlencoded` body pairs.
    pub(crate) fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

/// The response type of every handler.
pub(crate) type Resp = Response<Full<Bytes>>;

fn response(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A JSON answer.
pub(crate) fn json(status: StatusCode, body: &Value) -> Resp {
    response(status, "application/json", body.to_string())
}

/// An HTML answer.
pub(crate) fn html(status: StatusCode, body: String) -> Resp {
    response(status, "text/html; charset=utf-8", body)
}

/// A JavaScript answer.
pub(crate) fn javascript(body: String) -> Resp {
    response(
        StatusCode::OK,
        "application/javascript; charset=utf-8",
        body,
    )
}

/// An empty answer.
pub(crate) fn empty(status: StatusCode) -> Resp {
    let mut r = response(status, "text/plain; charset=utf-8", Bytes::new());
    r.headers_mut().remove(CONTENT_TYPE);
    r
}

/// A `303 See Other` to `location` (already validated), setting `cookies`.
pub(crate) fn see_other(location: &str, cookies: &[String]) -> Resp {
    let mut r = empty(StatusCode::SEE_OTHER);
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(SET_COOKIE, v);
        }
    }
    r
}
