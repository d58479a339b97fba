//! Clerk API errors and the `ClerkErrors` answer; what a Backend API handler answers.

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::super::exchange::{Resp, json};
use super::super::store::new_id;

// ---- errors ---------------------------------------------------------------------------------

/// A Clerk API error: one entry of a `ClerkErrors` body and its status.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    long_message: String,
    meta: Map<String, Value>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        long_message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            long_message: long_message.into(),
            meta: Map::new(),
        }
    }

    /// The same error with another HTTP status.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn param(mut self, name: &str) -> Self {
        self.meta.insert("param_name".into(), json!(name));
        self
    }

    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "Resource not found",
        )
    }

    pub(crate) fn missing(param: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "missing parameter",
            format!("{param} must be included."),
        )
        .param(param)
    }

    pub(crate) fn invalid(param: &str, long: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "is invalid",
            long,
        )
        .param(param)
    }

    pub(crate) fn taken(param: &str, long: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_exists",
            "is taken",
            long,
        )
        .param(param)
    }
}

/// The `ClerkErrors` answer for `e`.
pub(crate) fn error_response(e: &ApiError) -> Resp {
    json(
        e.status,
        &json!({
            "errors": [{
                "code": e.code,
                "message": e.message,
                "long_message": e.long_message,
                "meta": e.meta,
            }],
            "clerk_trace_id": new_id("trace").trim_start_matches("trace_"),
        }),
    )
}

pub(crate) type Answer = Result<(StatusCode, Value), ApiError>;

pub(super) fn ok(v: Value) -> Answer {
    Ok((StatusCode::OK, v))
}
