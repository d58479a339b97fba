//! Request-side building blocks and the request's auth state: the request view, cookie parsing,
//! the cross-origin test, the HTTP mapping helpers, [`get_auth_state`](state::get_auth_state),
//! [`AuthState`](state::AuthState) and [`Auth`](session::Auth).

pub(crate) mod cookies;
pub(crate) mod origin;
pub(crate) mod reason;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod session;
pub(crate) mod state;
