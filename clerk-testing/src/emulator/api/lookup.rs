//! Store lookups that answer `resource_not_found` on a miss.

use super::super::store::{Org, Session, State, User};
use super::errors::ApiError;

pub(super) fn user<'a>(s: &'a State, id: &str) -> Result<&'a User, ApiError> {
    s.user(id).ok_or_else(ApiError::not_found)
}

pub(super) fn org<'a>(s: &'a State, id_or_slug: &str) -> Result<&'a Org, ApiError> {
    s.org(id_or_slug).ok_or_else(ApiError::not_found)
}

pub(super) fn session<'a>(s: &'a State, id: &str) -> Result<&'a Session, ApiError> {
    s.session(id).ok_or_else(ApiError::not_found)
}
