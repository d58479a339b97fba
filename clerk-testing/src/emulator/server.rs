//! The HTTP server: accept loop, per-connection tasks, graceful stop, and the request/response
//! types the route handlers work with.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::routes;
use super::store::State;
use crate::TestInstance;

/// Largest request body accepted (1 MiB).
const MAX_BODY: usize = 1 << 20;

/// What every handler shares: the instance, the emulator's own URL and the store.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) instance: TestInstance,
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub(crate) url: String,
    pub(crate) port: u16,
    pub(crate) token_lifetime: Duration,
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

/// Reads the body and routes the request.
async fn handle(shared: Arc<Shared>, req: http::Request<Incoming>) -> Resp {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return routes::error_response(&routes::ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_body_too_large",
                "Request body too large",
                "The request body could not be read or is larger than 1 MiB.",
            ));
        }
    };
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body,
    };
    let mut resp = routes::dispatch(&shared, &req);
    if req.method == Method::HEAD {
        *resp.body_mut() = Full::new(Bytes::new());
    }
    resp
}

/// Resolves once `stop` holds `true`. A dropped sender (a detached emulator) never stops it.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        if stop.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Serves `listener` until `stop` becomes `true`; open connections finish their current request
/// and close.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors and the like: back off briefly.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let shared = Arc::clone(&shared);
                let mut stop = stop.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(shared, req).await) }
                    });
                    let conn = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        () = stopped(&mut stop) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
        }
    }
}
