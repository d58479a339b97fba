//! For integration authors: what a framework adapter needs and an application does not.
//!
//! An adapter reads requests through [`RequestView`], computes the state once with
//! [`get_auth_state`](crate::get_auth_state) (or [`try_get_auth_state`](crate::try_get_auth_state)
//! first, without I/O), lets [`AuthState::outcome`](crate::AuthState::outcome) /
//! [`AuthState::answer`](crate::AuthState::answer) decide what happens, and translates
//! [`HttpAnswer`]s and the `x-clerk-auth-*` headers into its framework's types. Nested adapters
//! compare [`ConfigId`]s before reusing a stored state.

pub use crate::auth::cookies::{cookie_pairs, get_cookie, get_cookie_from_fields};
pub use crate::auth::origin::{InvalidUrl, is_browser_user_agent, is_cross_origin, js_parse_int};
pub use crate::auth::request::{RequestValues, RequestView, header_value, request_cookie};
pub use crate::auth::response::{
    AUTH_MESSAGE_HEADER, AUTH_REASON_HEADER, AUTH_STATUS_HEADER, HttpAnswer, MAX_AUTH_MESSAGE_LEN,
    auth_header_pairs, encode_auth_message, encode_uri_component, forbidden_answer, is_api_request,
    is_browser_navigation, missing_setup_answer, unauthenticated_answer,
};
pub use crate::auth::state::AuthOutcome;
pub use crate::authz::{evaluate_policy, has_permission, has_role};
pub use crate::config::ConfigId;
