//! The crate's error type.
//!
//! [`Error`] is small and opaque: match on [`Error::kind`], and for failures reported by Clerk's
//! Backend API read the details through [`Error::api_error`]. The underlying transport or
//! decoding error, when there is one, is reachable only through [`std::error::Error::source`].

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error returned by this crate.
///
/// Cheap to move (one pointer). Its [`Display`](fmt::Display) names what failed and, where it
/// can, how to fix it; it never contains a secret key or a token.
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::Error> {
/// use clerk_core::{ClerkClient, ErrorKind};
///
/// let client = ClerkClient::builder().secret_key("sk_test_...").build()?;
/// match client.users().get("user_123").send().await {
///     Ok(user) => println!("found {}", user.id),
///     Err(e) if e.status() == Some(404) => println!("no such user"),
///     Err(e) if e.kind() == ErrorKind::Timeout => println!("Clerk is slow: {e}"),
///     Err(e) => return Err(e),
/// }
/// # Ok(())
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    operation: Option<Cow<'static, str>>,
    api: Option<ApiError>,
    source: Option<BoxError>,
}

/// The category of an [`Error`].
///
/// New kinds may be added in minor releases, so a `match` needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Clerk answered with an error status; see [`Error::api_error`] for the status, Clerk's
    /// `errors[]`, the trace id and `Retry-After`.
    Api,
    /// The request could not be sent or its response could not be read (DNS, connection
    /// refused, TLS, connection reset).
    Transport,
    /// The request did not complete within the configured connect or total timeout.
    Timeout,
    /// Clerk answered with a success status but the body did not have the expected shape.
    /// [`Error::operation`] names the operation.
    Decode,
    /// The client is misconfigured: missing or malformed secret key, invalid API URL, invalid
    /// header value.
    Configuration,
    /// An argument passed to a call is invalid, e.g. an empty id.
    InvalidInput,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                api: None,
                source: None,
            }),
        }
    }

    pub(crate) fn configuration(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    pub(crate) fn invalid_input(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn transport(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Transport, message)
    }

    pub(crate) fn timeout(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    pub(crate) fn decode(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    pub(crate) fn api(api: ApiError) -> Self {
        let mut e = Self::new(ErrorKind::Api, "");
        e.inner.api = Some(api);
        e
    }

    pub(crate) fn with_operation(mut self, operation: impl Into<Cow<'static, str>>) -> Self {
        self.inner.operation = Some(operation.into());
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The Backend API operation (the spec's `operationId`, e.g. `GetUser`) that failed, if the
    /// error came from a Backend API call.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// Clerk's error response, when [`kind`](Self::kind) is [`ErrorKind::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// The HTTP status Clerk answered with, when [`kind`](Self::kind) is [`ErrorKind::Api`].
    pub fn status(&self) -> Option<u16> {
        self.inner.api.as_ref().map(ApiError::status)
    }

    /// Whether this is an API error with status 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if !self.inner.message.is_empty() {
            d.field("message", &self.inner.message);
        }
        if let Some(op) = &self.inner.operation {
            d.field("operation", op);
        }
        if let Some(api) = &self.inner.api {
            d.field("api", api);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(api) = &self.inner.api {
            if let Some(op) = &self.inner.operation {
                write!(f, "{op}: ")?;
            }
            return fmt::Display::fmt(api, f);
        }
        match &self.inner.operation {
            Some(op) => write!(f, "{op}: {}", self.inner.message),
            None => f.write_str(&self.inner.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

/// An error response from Clerk's Backend API.
///
/// Reached through [`Error::api_error`].
#[derive(Clone)]
pub struct ApiError {
    status: u16,
    errors: Vec<ClerkErrorDetail>,
    clerk_trace_id: Option<String>,
    retry_after: Option<Duration>,
    body_excerpt: Option<String>,
}

impl ApiError {
    pub(crate) fn new(
        status: u16,
        errors: Vec<ClerkErrorDetail>,
        clerk_trace_id: Option<String>,
        retry_after: Option<Duration>,
        body_excerpt: Option<String>,
    ) -> Self {
        Self {
            status,
            errors,
            clerk_trace_id,
            retry_after,
            body_excerpt,
        }
    }

    /// The HTTP status code, e.g. `422`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Clerk's `errors[]`, in the order Clerk sent them. Empty when the body was not Clerk's
    /// JSON error shape (for example an HTML page from a proxy).
    pub fn errors(&self) -> &[ClerkErrorDetail] {
        &self.errors
    }

    /// Clerk's trace id for this request (from the body's `clerk_trace_id` or the
    /// `x-clerk-trace-id` header). Quote it when contacting Clerk support.
    pub fn clerk_trace_id(&self) -> Option<&str> {
        self.clerk_trace_id.as_deref()
    }

    /// How long Clerk asked us to wait before retrying (the `Retry-After` header), typically
    /// present on 429 responses.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether any of Clerk's errors has this `code` (e.g. `"form_identifier_exists"`).
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("errors", &self.errors)
            .field("clerk_trace_id", &self.clerk_trace_id)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clerk Backend API answered {}", self.status)?;
        if let Some(reason) = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            write!(f, " {reason}")?;
        }
        for (i, e) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            fmt::Display::fmt(e, f)?;
        }
        if let (true, Some(body)) = (self.errors.is_empty(), &self.body_excerpt) {
            write!(f, ": {body}")?;
        }
        match self.status {
            401 => f.write_str(
                " (check that the secret key is correct and belongs to this Clerk instance)",
            )?,
            429 => match self.retry_after {
                Some(d) => write!(f, " (rate limited; retry after {}s)", d.as_secs_f32())?,
                None => f.write_str(" (rate limited)")?,
            },
            _ => {}
        }
        if let Some(trace) = &self.clerk_trace_id {
            write!(f, " [clerk_trace_id {trace}]")?;
        }
        Ok(())
    }
}

/// One entry of Clerk's `errors[]` array.
#[derive(Debug, Clone, PartialEq)]
pub struct ClerkErrorDetail {
    code: String,
    message: String,
    long_message: Option<String>,
    meta: Option<serde_json::Value>,
}

impl ClerkErrorDetail {
    pub(crate) fn new(
        code: String,
        message: String,
        long_message: Option<String>,
        meta: Option<serde_json::Value>,
    ) -> Self {
        Self {
            code,
            message,
            long_message,
            meta,
        }
    }

    /// A stable, machine-readable code, e.g. `"resource_not_found"`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// A short human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A longer explanation, when Clerk sent one.
    pub fn long_message(&self) -> Option<&str> {
        self.long_message.as_deref()
    }

    /// Extra structured data, e.g. `{"param_name": "email_address"}`.
    pub fn meta(&self) -> Option<&serde_json::Value> {
        self.meta.as_ref()
    }
}

impl fmt::Display for ClerkErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.long_message.as_deref().unwrap_or(&self.message);
        write!(f, "{text} (code {})", self.code)?;
        if let Some(param) = self
            .meta
            .as_ref()
            .and_then(|m| m.get("param_name"))
            .and_then(|p| p.as_str())
        {
            write!(f, " [param {param}]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn api_error_display_names_code_and_trace() {
        let api = ApiError::new(
            422,
            vec![ClerkErrorDetail::new(
                "form_param_missing".into(),
                "is missing".into(),
                Some("email_address must be included.".into()),
                Some(serde_json::json!({"param_name": "email_address"})),
            )],
            Some("abc123".into()),
            None,
            None,
        );
        let e = Error::api(api).with_operation("CreateUser");
        let s = e.to_string();
        assert!(s.starts_with("CreateUser: Clerk Backend API answered 422 Unprocessable Entity"));
        assert!(s.contains("email_address must be included. (code form_param_missing)"));
        assert!(s.contains("[param email_address]"));
        assert!(s.contains("abc123"));
        assert_eq!(e.kind(), ErrorKind::Api);
        assert_eq!(e.status(), Some(422));
    }
}
