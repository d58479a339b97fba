//! Request-side building blocks: the request view, cookie parsing, the cross-origin test and the
//! HTTP mapping helpers.

pub(crate) mod cookies;
pub(crate) mod origin;
pub(crate) mod request;
pub(crate) mod response;
