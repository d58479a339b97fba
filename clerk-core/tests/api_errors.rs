//! Error, retry and wire-format behaviour of the Backend API client against an in-test HTTP
//! server on 127.0.0.1 (hyper 1, real sockets).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clerk_core::api::{Patch, RetryPolicy};
use clerk_core::{ClerkClient, ErrorKind};
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    headers: http::HeaderMap,
    body: Bytes,
    at: Instant,
}

type Handler = Arc<dyn Fn(usize, &Seen) -> Reply + Send + Sync>;

/// What the server answers.
enum Reply {
    Now(Response<Full<Bytes>>),
    /// Never answer (until the test ends).
    Hang,
}

fn json(status: u16, body: &str) -> Reply {
    Reply::Now(
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap(),
    )
}

/// [`json`] with one more header field.
fn json_with_header(status: u16, body: &str, name: &'static str, value: &str) -> Reply {
    let mut r = json(status, body);
    if let Reply::Now(resp) = &mut r {
        resp.headers_mut().insert(name, value.parse().unwrap());
    }
    r
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let handler: Handler = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        let log = log.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let seen = Seen {
                                method: parts.method.to_string(),
                                path: parts.uri.path().to_owned(),
                                query: parts.uri.query().map(str::to_owned),
                                headers: parts.headers,
                                body,
                                at: Instant::now(),
                            };
                            let n = {
                                let mut log = log.lock().unwrap();
                                log.push(seen.clone());
                                log.len() - 1
                            };
                            match handler(n, &seen) {
                                Reply::Now(r) => Ok::<_, Infallible>(r),
                                Reply::Hang => {
                                    tokio::time::sleep(Duration::from_secs(3600)).await;
                                    Ok(Response::new(Full::new(Bytes::new())))
                                }
                            }
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, seen }
    }

    fn client(&self) -> clerk_core::ClerkClientBuilder {
        ClerkClient::builder()
            .secret_key("sk_test_0123456789abcdef")
            .api_url(&self.url)
            .retry(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(10))
                    .max_backoff(Duration::from_millis(50)),
            )
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

const USER: &str = include_str!("fixtures/api/user.json");

#[tokio::test]
async fn clerk_error_body_is_parsed_into_the_error() {
    let server = Server::start(|_, _| {
        json_with_header(
            422,
            r#"{"errors":[{"code":"form_identifier_exists","message":"taken","long_message":"That email address is taken. Please try another.","meta":{"param_name":"email_address"}}],"clerk_trace_id":"trace_abc"}"#,
            "x-clerk-trace-id",
            "header_trace",
        )
    })
    .await;
    let client = server.client().build().unwrap();
    let err = client
        .users()
        .create()
        .email_address("ada@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.operation(), Some("CreateUser"));
    assert_eq!(err.status(), Some(422));
    let api = err.api_error().unwrap();
    assert_eq!(api.errors().len(), 1);
    let e = &api.errors()[0];
    assert_eq!(e.code(), "form_identifier_exists");
    assert_eq!(e.message(), "taken");
    assert_eq!(
        e.long_message(),
        Some("That email address is taken. Please try another.")
    );
    assert_eq!(e.meta().unwrap()["param_name"], "email_address");
    assert_eq!(api.clerk_trace_id(), Some("trace_abc"));
    assert!(api.has_code("form_identifier_exists"));
    let shown = err.to_string();
    assert!(shown.contains("CreateUser"), "{shown}");
    assert!(shown.contains("422"), "{shown}");
    assert!(shown.contains("That email address is taken"), "{shown}");
    assert!(!shown.contains("0123456789abcdef"), "{shown}");
    assert!(!format!("{err:?}").contains("0123456789abcdef"));
    assert_eq!(server.seen().len(), 1, "a 422 is not retried");
}

#[tokio::test]
async fn not_found_and_non_json_error_bodies() {
    let server = Server::start(|n, _| match n {
        0 => json(
            404,
            r#"{"errors":[{"code":"resource_not_found","message":"not found"}]}"#,
        ),
        _ => Reply::Now(
            Response::builder()
                .status(400)
                .header("x-clerk-trace-id", "t-hdr")
                .body(Full::new(Bytes::from_static(b"<html>bad request</html>")))
                .unwrap(),
        ),
    })
    .await;
    let client = server.client().build().unwrap();
    let err = client.users().get("user_missing").send().await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.api_error().unwrap().errors()[0].long_message(), None);
    let err = client.users().get("user_x").send().await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status(), 400);
    assert!(api.errors().is_empty());
    assert_eq!(api.clerk_trace_id(), Some("t-hdr"));
    assert!(err.to_string().contains("bad request"), "{err}");
}

#[tokio::test]
async fn rate_limit_is_retried_after_retry_after() {
    let server = Server::start(|n, _| match n {
        0 => json_with_header(
            429,
            r#"{"errors":[{"code":"too_many_requests","message":"Too many requests"}]}"#,
            "retry-after",
            "1",
        ),
        _ => json(200, USER),
    })
    .await;
    let client = server.client().build().unwrap();
    let user = client.users().get("user_123").send().await.unwrap();
    assert_eq!(user.id, "user_2abc");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn rate_limit_on_post_is_retried_too() {
    let server = Server::start(|n, _| match n {
        0 => json_with_header(429, r#"{"errors":[]}"#, "retry-after", "0"),
        _ => json(200, USER),
    })
    .await;
    let client = server.client().build().unwrap();
    client.users().ban("user_123").send().await.unwrap();
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn rate_limit_exposes_retry_after_when_not_retried() {
    let server = Server::start(|_, _| {
        json_with_header(
            429,
            r#"{"errors":[{"code":"too_many_requests","message":"slow down"}]}"#,
            "retry-after",
            "42",
        )
    })
    .await;
    let client = server.client().build().unwrap();
    // 42 s is beyond the default 30 s budget: no retry, the error says how long to wait.
    let err = client.users().get("user_123").send().await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        err.api_error().unwrap().retry_after(),
        Some(Duration::from_secs(42))
    );
    assert!(err.to_string().contains("retry after 42s"), "{err}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn server_error_on_post_is_not_retried() {
    for status in [500u16, 502, 503] {
        let server = Server::start(move |_, _| json(status, r#"{"errors":[]}"#)).await;
        let client = server.client().build().unwrap();
        let err = client
            .users()
            .create()
            .email_address("ada@example.com")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.seen().len(), 1, "POST {status} must not be retried");
    }
}

#[tokio::test]
async fn unavailable_on_get_is_retried_with_backoff() {
    let server = Server::start(|n, _| match n {
        0 | 1 => json(503, "service unavailable"),
        _ => json(200, USER),
    })
    .await;
    let client = server.client().build().unwrap();
    let user = client.users().get("user_123").send().await.unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn retries_give_up_after_max_retries_and_can_be_disabled() {
    let server = Server::start(|_, _| json(502, "bad gateway")).await;
    let client = server.client().build().unwrap();
    let err = client.users().get("user_123").send().await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.seen().len(), 4, "1 attempt + 3 retries");

    let server = Server::start(|_, _| json(503, "")).await;
    let client = server
        .client()
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.users().delete("user_123").send().await.unwrap_err();
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let server = Server::start(|_, _| Reply::Hang).await;
    let client = server
        .client()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.users().get("user_123").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.operation(), Some("GetUser"));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(server.seen().len(), 1, "timeouts are not retried");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_operation() {
    let server = Server::start(|n, _| match n {
        0 => json(200, r#"{"id": "user_1", "first_name": "#),
        _ => json(200, r#"{"id": 42}"#),
    })
    .await;
    let client = server.client().build().unwrap();
    let err = client.users().get("user_1").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.operation(), Some("GetUser"));
    let shown = err.to_string();
    assert!(
        shown.starts_with("GetUser: could not decode the response as User"),
        "{shown}"
    );
    assert!(std::error::Error::source(&err).is_some());

    let err = client.users().update("user_1").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.operation(), Some("UpdateUser"));
}

#[tokio::test]
async fn sends_auth_version_and_user_agent_headers() {
    let server = Server::start(|_, _| json(200, USER)).await;
    let client = server.client().build().unwrap();
    client.users().get("user_123").send().await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/v1/users/user_123");
    assert_eq!(
        seen.headers["authorization"],
        "Bearer sk_test_0123456789abcdef"
    );
    assert_eq!(seen.headers["clerk-api-version"], "2026-05-12");
    let ua = seen.headers["user-agent"].to_str().unwrap();
    assert_eq!(ua, concat!("clerk-core/", env!("CARGO_PKG_VERSION")));
    assert!(
        seen.headers.get("content-type").is_none(),
        "GET without body"
    );

    let server = Server::start(|_, _| json(200, USER)).await;
    let client = server
        .client()
        .clerk_api_version("2025-01-01")
        .user_agent("my-app/1.0")
        .api_version("v2")
        .build()
        .unwrap();
    client.users().get("user_123").send().await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.path, "/v2/users/user_123");
    assert_eq!(seen.headers["clerk-api-version"], "2025-01-01");
    assert_eq!(seen.headers["user-agent"], "my-app/1.0");
}

#[tokio::test]
async fn query_path_and_body_encoding() {
    let server = Server::start(|n, _| match n {
        0 => json(200, &format!("[{USER}]")),
        _ => json(200, USER),
    })
    .await;
    let client = server.client().build().unwrap();
    let page = client
        .users()
        .list()
        .email_address("a+b@example.com")
        .email_address("c@example.com")
        .banned(false)
        .limit(10)
        .limit(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page.total_count, None);
    client
        .users()
        .update("user/../x?y#z")
        .first_name("Ada")
        .last_name(Patch::Null)
        .send()
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(
        seen[0].query.as_deref(),
        Some(
            "email_address=a%2Bb%40example.com&email_address=c%40example.com&banned=false&limit=20"
        )
    );
    assert_eq!(seen[1].method, "PATCH");
    assert_eq!(seen[1].path, "/v1/users/user%2F..%2Fx%3Fy%23z");
    assert_eq!(seen[1].headers["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&seen[1].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"first_name": "Ada", "last_name": null})
    );
}

#[tokio::test]
async fn missing_or_malformed_secret_key_fails_before_any_request() {
    let server = Server::start(|_, _| json(200, USER)).await;
    for key in ["", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", "not a key"] {
        let client = ClerkClient::builder()
            .secret_key(key)
            .api_url(&server.url)
            .build()
            .unwrap();
        let err = client.users().get("user_123").send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{key:?}: {err:?}");
        assert_eq!(err.operation(), Some("GetUser"));
        let shown = err.to_string();
        assert!(shown.contains("secret key"), "{shown}");
        assert!(!shown.contains("Y2xlcmsu"), "{shown}");
    }
    assert!(server.seen().is_empty(), "no request may be sent");
}

#[tokio::test]
async fn empty_ids_are_refused_before_any_request() {
    let server = Server::start(|_, _| json(200, USER)).await;
    let client = server.client().build().unwrap();
    let err = client.users().get("").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = ClerkClient::builder()
        .secret_key("sk_test_x")
        .api_url(url)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let err = client.users().get("user_123").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

#[tokio::test]
async fn stream_walks_all_pages() {
    // 5 items served in pages of 2, in the {data, total_count} shape.
    let server = Server::start(|_, seen| {
        let q = seen.query.clone().unwrap_or_default();
        let get = |k: &str| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
        };
        let (limit, offset) = (get("limit"), get("offset"));
        let items: Vec<String> = (offset..(offset + limit).min(5))
            .map(|i| format!(r#"{{"object":"organization","id":"org_{i}","name":"Org {i}"}}"#))
            .collect();
        json(
            200,
            &format!(r#"{{"data":[{}],"total_count":5}}"#, items.join(",")),
        )
    })
    .await;
    let client = server.client().build().unwrap();
    let orgs: Vec<_> = client
        .organizations()
        .list()
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = orgs.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["org_0", "org_1", "org_2", "org_3", "org_4"]);
    let queries: Vec<_> = server
        .seen()
        .into_iter()
        .map(|s| s.query.unwrap())
        .collect();
    assert_eq!(
        queries,
        ["limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"]
    );
}

#[tokio::test]
async fn cursor_stream_walks_users_by_starting_after() {
    // 5 users, newest first, served after the `starting_after` cursor in pages of `limit`.
    let server = Server::start(|_, seen| {
        let q = seen.query.clone().unwrap_or_default();
        let get = |k: &str| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .map(str::to_owned)
        };
        let limit: usize = get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
        let after = get("starting_after")
            .and_then(|id| {
                id.strip_prefix("user_")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .map_or(0, |n| n + 1);
        let items: Vec<String> = (after..(after + limit).min(5))
            .map(|i| format!(r#"{{"object":"user","id":"user_{i}"}}"#))
            .collect();
        json(200, &format!("[{}]", items.join(",")))
    })
    .await;
    let client = server.client().build().unwrap();
    let users: Vec<_> = client
        .users()
        .list()
        .limit(2)
        .offset(40) // dropped: the cursor replaces it
        .into_cursor_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_0", "user_1", "user_2", "user_3", "user_4"]);
    let queries: Vec<_> = server
        .seen()
        .into_iter()
        .map(|s| s.query.unwrap())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=2",
            "starting_after=user_1&limit=2",
            "starting_after=user_3&limit=2"
        ]
    );
}

#[tokio::test]
async fn escape_hatch_and_public_endpoint() {
    let server = Server::start(|_, seen| match seen.path.as_str() {
        "/v1/public/interstitial" => Reply::Now(
            Response::builder()
                .header("content-type", "text/html")
                .body(Full::new(Bytes::from_static(b"<html>wait</html>")))
                .unwrap(),
        ),
        _ => json(200, r#"{"data":[],"total_count":0}"#),
    })
    .await;
    let client = server.client().build().unwrap();
    let v: serde_json::Value = client
        .request(http::Method::GET, "/domains")
        .query("limit", 5)
        .send()
        .await
        .unwrap();
    assert_eq!(v["total_count"], 0);
    let _: serde_json::Value = client
        .request(http::Method::POST, "machines")
        .json(&serde_json::json!({"name": "m"}))
        .send()
        .await
        .unwrap();
    let html = client
        .interstitial()
        .get()
        .publishable_key("pk_test_x")
        .send()
        .await
        .unwrap();
    assert_eq!(html, "<html>wait</html>");
    let seen = server.seen();
    assert_eq!(seen[0].path, "/v1/domains");
    assert_eq!(seen[0].query.as_deref(), Some("limit=5"));
    assert_eq!(seen[1].path, "/v1/machines");
    assert_eq!(&seen[1].body[..], br#"{"name":"m"}"#);
    assert!(seen[2].headers.get("authorization").is_none());
    assert_eq!(seen[2].query.as_deref(), Some("publishable_key=pk_test_x"));
}
