//! The one request pipeline every Backend API call goes through, and the
//! [`ClerkClient::request`] escape hatch.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::ClerkClient;
use super::models::Patch;
use super::retry::{self, Outcome};
use crate::Error;
use crate::error::{ApiError, ClerkErrorDetail};

/// Characters kept as-is in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one path segment so that `/`, `?`, `#`, `%` and friends in an id cannot
/// change the request's target.
pub(crate) fn encode_segment(segment: &str) -> Cow<'_, str> {
    utf8_percent_encode(segment, SEGMENT).into()
}

/// Build `/seg1/seg2/...` from raw segments, each percent-encoded.
///
/// Empty, `.` and `..` segments are refused: URL parsers normalise dot segments (even
/// percent-encoded ones) and an empty id would address a different endpoint
/// (`/users/` instead of `/users/{id}`).
pub(crate) fn path(segments: &[&str]) -> Result<String, String> {
    let mut out = String::new();
    for s in segments {
        if matches!(*s, "" | "." | "..") {
            return Err(format!(
                "invalid path parameter {s:?}: ids must not be empty, \".\" or \"..\""
            ));
        }
        out.push('/');
        out.push_str(&encode_segment(s));
    }
    Ok(out)
}

/// A prepared Backend API call: data, not behaviour. Resource builders wrap one of these and
/// add typed setters; [`Call::send`] runs the shared pipeline.
#[derive(Clone)]
pub(crate) struct Call {
    client: ClerkClient,
    method: http::Method,
    operation: Cow<'static, str>,
    /// Already-encoded path starting with `/`, relative to the versioned base URL.
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    body: Option<serde_json::Map<String, serde_json::Value>>,
    raw_body: Option<serde_json::Value>,
    /// A `multipart/form-data` body (uploads); takes precedence over a JSON body.
    multipart: Option<Vec<Part>>,
    body_error: Option<String>,
    path_error: Option<String>,
    authenticated: bool,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may contain passwords or tokens: show only which fields are set.
        let fields: Vec<&str> = self
            .body
            .as_ref()
            .map(|b| b.keys().map(String::as_str).collect())
            .unwrap_or_default();
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("body_fields", &fields)
            .finish_non_exhaustive()
    }
}

impl Call {
    pub(crate) fn new(
        client: &ClerkClient,
        method: http::Method,
        operation: &'static str,
        segments: &[&str],
    ) -> Self {
        match path(segments) {
            Ok(p) => Self::with_path(client, method, Cow::Borrowed(operation), p),
            Err(e) => {
                let mut call =
                    Self::with_path(client, method, Cow::Borrowed(operation), String::new());
                call.path_error = Some(e);
                call
            }
        }
    }

    fn with_path(
        client: &ClerkClient,
        method: http::Method,
        operation: Cow<'static, str>,
        path: String,
    ) -> Self {
        Self {
            client: client.clone(),
            method,
            operation,
            path,
            query: Vec::new(),
            body: None,
            raw_body: None,
            multipart: None,
            body_error: None,
            path_error: None,
            authenticated: true,
        }
    }

    /// Send without the `Authorization` header (public endpoints).
    pub(crate) fn unauthenticated(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Set (replace) a query parameter.
    pub(crate) fn query(&mut self, key: &'static str, value: impl ToString) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((Cow::Borrowed(key), value.to_string()));
    }

    /// Append a value to a repeatable query parameter (`?k=a&k=b`).
    pub(crate) fn query_append(&mut self, key: &'static str, value: impl ToString) {
        self.query.push((Cow::Borrowed(key), value.to_string()));
    }

    /// Drop a query parameter.
    pub(crate) fn remove_query(&mut self, key: &str) {
        self.query.retain(|(k, _)| k != key);
    }

    pub(crate) fn query_u64(&self, key: &str) -> Option<u64> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
    }

    /// Make sure a (possibly empty) JSON object body is sent.
    pub(crate) fn json_body(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
        self.body.get_or_insert_with(serde_json::Map::new)
    }

    /// Send this JSON value as the body (bulk operations take an array).
    pub(crate) fn raw_json(&mut self, value: serde_json::Value) {
        self.raw_body = Some(value);
    }

    /// Set a body field.
    pub(crate) fn field(&mut self, key: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.json_body().insert(key.to_owned(), value);
    }

    /// Set, null out or remove a body field.
    pub(crate) fn patch<T: Serialize>(&mut self, key: &str, value: Patch<T>) {
        match value {
            Patch::Absent => {
                self.json_body().remove(key);
            }
            Patch::Null => {
                self.json_body()
                    .insert(key.to_owned(), serde_json::Value::Null);
            }
            Patch::Value(v) => self.field(key, v),
        }
    }

    /// Append to an array body field.
    pub(crate) fn field_append(&mut self, key: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        let entry = self
            .json_body()
            .entry(key.to_owned())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        match entry {
            serde_json::Value::Array(a) => a.push(value),
            other => *other = serde_json::Value::Array(vec![value]),
        }
    }

    /// Add a text part to a `multipart/form-data` body (replacing one of the same name).
    pub(crate) fn part_text(&mut self, name: &'static str, value: String) {
        self.set_part(Part {
            name,
            file_name: None,
            content_type: None,
            data: value.into_bytes(),
        });
    }

    /// Add a file part to a `multipart/form-data` body (replacing one of the same name).
    pub(crate) fn part_file(&mut self, name: &'static str, data: Vec<u8>) {
        self.set_part(Part {
            name,
            file_name: Some("file".to_owned()),
            content_type: Some("application/octet-stream".to_owned()),
            data,
        });
    }

    /// Set the file name and/or content type of an existing file part.
    pub(crate) fn part_file_meta(
        &mut self,
        name: &str,
        file_name: Option<String>,
        content_type: Option<String>,
    ) {
        if let Some(part) = self.multipart.iter_mut().flatten().find(|p| p.name == name) {
            if let Some(f) = file_name {
                part.file_name = Some(f);
            }
            if let Some(c) = content_type {
                part.content_type = Some(c);
            }
        }
    }

    fn set_part(&mut self, part: Part) {
        let parts = self.multipart.get_or_insert_with(Vec::new);
        parts.retain(|p| p.name != part.name);
        parts.push(part);
    }

    /// Send and decode the JSON response as `T`.
    pub(crate) async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let operation = self.operation.clone();
        let bytes = self.execute().await?;
        decode_json(&operation, &bytes)
    }

    /// Send and return the response body as text.
    pub(crate) async fn send_text(self) -> Result<String, Error> {
        let operation = self.operation.clone();
        let bytes = self.execute().await?;
        String::from_utf8(bytes.to_vec()).map_err(|e| {
            Error::decode("the response body is not valid UTF-8")
                .with_operation(operation)
                .with_source(e)
        })
    }

    /// The shared pipeline: auth, URL, headers, body, retries, error parsing.
    async fn execute(self) -> Result<bytes::Bytes, Error> {
        let op = self.operation.clone();
        let inner = &self.client.inner;
        let authorization = if self.authenticated {
            Some(
                self.client
                    .authorization()
                    .map_err(|e| e.with_operation(op.clone()))?,
            )
        } else {
            None
        };

        let mut url =
            url::Url::parse(&format!("{}{}", inner.base_url, self.path)).map_err(|e| {
                Error::configuration(format!("could not build the request URL: {e}"))
                    .with_operation(op.clone())
            })?;
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
        }
        if let Some(e) = &self.path_error {
            return Err(Error::invalid_input(e.clone()).with_operation(op.clone()));
        }
        if let Some(e) = &self.body_error {
            return Err(
                Error::configuration(format!("could not serialize the request body: {e}"))
                    .with_operation(op.clone()),
            );
        }
        let body = match (&self.raw_body, &self.body) {
            (Some(v), _) => Some(serde_json::to_vec(v)),
            (None, Some(m)) => Some(serde_json::to_vec(m)),
            (None, None) => None,
        }
        .transpose()
        .map_err(|e| {
            Error::configuration("could not serialize the request body")
                .with_operation(op.clone())
                .with_source(e)
        })?;
        let (content_type, body) = match &self.multipart {
            Some(parts) => {
                let (content_type, bytes) = multipart_body(parts);
                (content_type, Some(bytes))
            }
            None => ("application/json".to_owned(), body),
        };

        let idempotent = retry::is_idempotent(&self.method);
        let started = Instant::now();
        let mut retries_done = 0u32;
        loop {
            let mut req = inner
                .http
                .request(self.method.clone(), url.clone())
                .timeout(inner.timeout)
                .header(http::header::USER_AGENT, inner.user_agent.clone())
                .header("Clerk-API-Version", inner.clerk_api_version.clone())
                .header(http::header::ACCEPT, "application/json");
            if let Some(auth) = &authorization {
                req = req.header(http::header::AUTHORIZATION, auth.clone());
            }
            if let Some(body) = &body {
                req = req
                    .header(http::header::CONTENT_TYPE, content_type.as_str())
                    .body(body.clone());
            }
            tracing::debug!(operation = %op, method = %self.method, path = %self.path, attempt = retries_done + 1, "clerk backend api request");

            let (outcome, error) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    if let Some(observe) = &inner.observer {
                        observe(&op, status.as_u16(), &headers);
                    }
                    match resp.bytes().await {
                        Ok(bytes) if status.is_success() => return Ok(bytes),
                        Ok(bytes) => {
                            let api = parse_api_error(status.as_u16(), &headers, &bytes);
                            let outcome = Outcome::Status {
                                status: status.as_u16(),
                                retry_after: api.retry_after(),
                            };
                            (outcome, Error::api(api).with_operation(op.clone()))
                        }
                        Err(e) => transport_failure(&op, e, inner.timeout),
                    }
                }
                Err(e) => transport_failure(&op, e, inner.timeout),
            };
            match retry::decide(
                &inner.retry,
                outcome,
                idempotent,
                retries_done,
                started.elapsed(),
                retry::jitter(),
            ) {
                Some(wait) => {
                    tracing::debug!(operation = %op, ?outcome, ?wait, "retrying clerk backend api request");
                    tokio::time::sleep(wait).await;
                    retries_done += 1;
                }
                None => {
                    tracing::debug!(operation = %op, ?outcome, "clerk backend api request failed");
                    return Err(error);
                }
            }
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone)]
struct Part {
    name: &'static str,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// Encode a `multipart/form-data` body (RFC 7578): the content type with its boundary, and
/// the bytes. The boundary is random so that it cannot occur in an uploaded file by chance.
fn multipart_body(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(parts.len());
        format!("clerk-rs-{:016x}", h.finish())
    };
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        // Names and file names are escaped as browsers do (quotes and line breaks).
        let escape = |s: &str| {
            s.replace('"', "%22")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let mut disposition = format!(
            "Content-Disposition: form-data; name=\"{}\"",
            escape(p.name)
        );
        if let Some(f) = &p.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", escape(f)));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(c) = &p.content_type {
            out.extend_from_slice(
                format!("Content-Type: {}\r\n", c.replace(['\r', '\n'], "")).as_bytes(),
            );
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&p.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

fn transport_failure(op: &str, e: reqwest::Error, timeout: Duration) -> (Outcome, Error) {
    if e.is_timeout() {
        let err = Error::timeout(format!(
            "the Clerk Backend API did not answer within the timeout ({}s total, configurable \
             with ClerkClient::builder().timeout(..) and .connect_timeout(..))",
            timeout.as_secs_f32()
        ));
        (
            Outcome::TimedOut,
            err.with_operation(op.to_owned()).with_source(e),
        )
    } else if e.is_connect() {
        let err = Error::transport(
            "could not connect to the Clerk Backend API (check the network and the API URL)",
        );
        (
            Outcome::ConnectFailed,
            err.with_operation(op.to_owned()).with_source(e),
        )
    } else {
        let err = Error::transport("the connection to the Clerk Backend API failed");
        (
            Outcome::TransportFailed,
            err.with_operation(op.to_owned()).with_source(e),
        )
    }
}

fn decode_json<T: DeserializeOwned>(op: &str, bytes: &[u8]) -> Result<T, Error> {
    // An empty body decodes like `null`, so `()` and `Option<_>` work for bodiless answers.
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        Error::decode(format!(
            "could not decode the response as {}: {e}",
            short_type_name::<T>()
        ))
        .with_operation(op.to_owned())
        .with_source(e)
    })
}

fn short_type_name<T>() -> String {
    // "alloc::vec::Vec<clerk_core::api::models::User>" -> "Vec<User>"
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorEntry>,
    #[serde(default)]
    clerk_trace_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct ErrorEntry {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    long_message: Option<String>,
    #[serde(default)]
    meta: Option<serde_json::Value>,
}

fn parse_api_error(status: u16, headers: &http::HeaderMap, body: &[u8]) -> ApiError {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header("retry-after").and_then(|v| retry::parse_retry_after(&v));
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let (errors, trace) = match parsed {
        Some(b) => (
            b.errors
                .into_iter()
                .map(|e| {
                    ClerkErrorDetail::new(
                        e.code,
                        e.message,
                        e.long_message,
                        e.meta.filter(|m| !m.is_null()),
                    )
                })
                .collect(),
            b.clerk_trace_id,
        ),
        None => (Vec::new(), None),
    };
    let trace = trace.or_else(|| header("x-clerk-trace-id"));
    let excerpt = if errors.is_empty() && !body.is_empty() {
        let text = String::from_utf8_lossy(body);
        let text: String = text.chars().take(200).collect();
        Some(text.trim().to_owned())
    } else {
        None
    };
    ApiError::new(status, errors, trace, retry_after, excerpt)
}

/// A raw Backend API request, for operations this crate does not wrap yet.
///
/// Created by [`ClerkClient::request`]. The path is relative to the versioned base URL
/// (`/users/{id}`, not `/v1/users/{id}`) and is sent as given, so percent-encode ids yourself
/// (or use [`ClerkClient::request_segments`]). Authentication, headers, retries and error
/// parsing are the same as for typed calls.
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::Error> {
/// use clerk_core::ClerkClient;
/// use http::Method;
///
/// let client = ClerkClient::from_env()?;
/// let domains: serde_json::Value = client
///     .request(Method::GET, "/domains")
///     .query("limit", 10)
///     .send()
///     .await?;
/// println!("{domains}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct RequestBuilder {
    call: Call,
}

impl RequestBuilder {
    /// Append a query parameter. Repeat the call for repeatable parameters.
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.call
            .query
            .push((Cow::Owned(key.into()), value.to_string()));
        self
    }

    /// Set the JSON body.
    ///
    /// # Errors
    ///
    /// A body that cannot be serialized to JSON is reported by [`send`](Self::send).
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(v) => self.call.raw_body = Some(v),
            Err(e) => self.call.body_error = Some(e.to_string()),
        }
        self
    }

    /// Name the operation in errors (for example the spec's `operationId`). Defaults to
    /// `"METHOD /path"`.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.call.operation = Cow::Owned(operation.into());
        self
    }

    /// Send the request and decode the JSON response as `T` (use [`serde_json::Value`] for
    /// untyped access).
    ///
    /// # Errors
    ///
    /// As for typed calls: [`ErrorKind::Api`](crate::ErrorKind::Api) for error statuses,
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the body is not a `T`, and
    /// transport, timeout and configuration errors.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.call.send().await
    }

    /// Send the request and return the body as text (for non-JSON endpoints).
    ///
    /// # Errors
    ///
    /// As for [`send`](Self::send).
    pub async fn send_text(self) -> Result<String, Error> {
        self.call.send_text().await
    }
}

impl ClerkClient {
    /// A raw request to any Backend API endpoint: the escape hatch for operations not wrapped
    /// yet. `path` is relative to the versioned base URL and sent as given.
    pub fn request(&self, method: http::Method, path: impl AsRef<str>) -> RequestBuilder {
        let path = path.as_ref();
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let operation = Cow::Owned(format!("{method} {path}"));
        RequestBuilder {
            call: Call::with_path(self, method, operation, path),
        }
    }

    /// Like [`request`](Self::request), but builds the path from raw segments, each
    /// percent-encoded: `request_segments(Method::GET, &["users", id])`.
    pub fn request_segments(&self, method: http::Method, segments: &[&str]) -> RequestBuilder {
        let (path, error) = match path(segments) {
            Ok(p) => (p, None),
            Err(e) => (String::new(), Some(e)),
        };
        let operation = Cow::Owned(format!("{method} {path}"));
        let mut call = Call::with_path(self, method, operation, path);
        call.path_error = error;
        RequestBuilder { call }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        let p = |s: &[&str]| path(s).unwrap();
        assert_eq!(p(&["users", "user_123"]), "/users/user_123");
        assert_eq!(p(&["users", "a/b?c#d"]), "/users/a%2Fb%3Fc%23d");
        assert_eq!(p(&["users", "100%"]), "/users/100%25");
        assert_eq!(p(&["x", "é y"]), "/x/%C3%A9%20y");
        assert_eq!(p(&["x", "a.b-c_d~e"]), "/x/a.b-c_d~e");
        assert_eq!(p(&["x", "..."]), "/x/...");
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        for bad in ["", ".", ".."] {
            assert!(path(&["users", bad]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn encoded_path_survives_url_parsing() {
        let u = url::Url::parse(&format!(
            "https://api.clerk.com/v1{}",
            path(&["users", "../jwks"]).unwrap()
        ))
        .unwrap();
        assert_eq!(u.path(), "/v1/users/..%2Fjwks");
    }

    #[test]
    fn multipart_bodies_name_each_part() {
        let parts = [
            Part {
                name: "uploader_user_id",
                file_name: None,
                content_type: None,
                data: b"user_1".to_vec(),
            },
            Part {
                name: "file",
                file_name: Some("a\"b.png".to_owned()),
                content_type: Some("image/png".to_owned()),
                data: vec![0x89, b'P', b'N', b'G'],
            },
        ];
        let (content_type, body) = multipart_body(&parts);
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"uploader_user_id\"\r\n\r\nuser_1\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&[0x89, b'P', b'N', b'G']);
        expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(body, expected);
    }

    #[test]
    fn short_type_names() {
        assert_eq!(
            short_type_name::<Vec<crate::api::models::User>>(),
            "Vec<User>"
        );
        assert_eq!(short_type_name::<Option<String>>(), "Option<String>");
    }

    #[test]
    fn parses_clerk_error_bodies() {
        let mut h = http::HeaderMap::new();
        h.insert("retry-after", http::HeaderValue::from_static("7"));
        let body = br#"{"errors":[{"code":"too_many_requests","message":"slow down","long_message":"Too many requests.","meta":{}}],"clerk_trace_id":"t1"}"#;
        let e = parse_api_error(429, &h, body);
        assert_eq!(e.status(), 429);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.clerk_trace_id(), Some("t1"));
        assert_eq!(e.errors()[0].code(), "too_many_requests");
        assert_eq!(e.errors()[0].long_message(), Some("Too many requests."));

        let e = parse_api_error(502, &http::HeaderMap::new(), b"<html>Bad gateway</html>");
        assert!(e.errors().is_empty());
        assert!(e.to_string().contains("Bad gateway"));
    }

    #[test]
    fn decode_error_names_operation_and_type() {
        let e = decode_json::<crate::api::models::User>("GetUser", b"{not json").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Decode);
        assert_eq!(e.operation(), Some("GetUser"));
        assert!(
            e.to_string()
                .starts_with("GetUser: could not decode the response as User")
        );
    }
}
