//! The Backend API client.
//!
//! [`ClerkClient`] is the entry point. Each resource group is a cheap handle
//! ([`Users`], [`Sessions`], [`Organizations`], ...) whose methods return request builders:
//! set optional parameters with bare-noun setters, then `.send().await`. Lists answer a
//! [`Page`]; lists with `limit`/`offset` also offer `.into_stream()`, an auto-paginating
//! [`Stream`](futures_util::Stream). Anything not wrapped yet is one
//! [`ClerkClient::request`] away.
//!
//! ```no_run
//! # async fn run() -> Result<(), clerk_core::Error> {
//! use clerk_core::ClerkClient;
//! use futures_util::TryStreamExt;
//!
//! let client = ClerkClient::builder().secret_key("sk_test_...").build()?;
//! let user = client.users().get("user_123").send().await?;
//! let all: Vec<_> = client.users().list().into_stream().try_collect().await?;
//! # let _ = (user, all);
//! # Ok(())
//! # }
//! ```

mod client;
pub mod models;
mod page;
mod request;
pub(crate) mod retry;

mod allowlist;
mod blocklist;
mod clients;
mod email_addresses;
mod interstitial;
mod invitations;
mod jwks;
mod jwt_templates;
mod organization_invitations;
mod organization_memberships;
mod organizations;
mod phone_numbers;
mod redirect_urls;
mod sessions;
mod sign_in_tokens;
mod users;

// Generated from Clerk's OpenAPI spec by tools/bapi-gen.
mod generated;

pub use crate::error::ClerkErrorDetail;
pub use client::{
    ClerkClient, ClerkClientBuilder, ClerkClientOptions, DEFAULT_CLERK_API_VERSION,
    create_backend_api_client,
};
pub use models::*;
pub use page::Page;
pub use request::RequestBuilder;
pub use retry::RetryPolicy;

pub use allowlist::*;
pub use blocklist::*;
pub use clients::*;
pub use email_addresses::*;
pub use interstitial::*;
pub use invitations::*;
pub use jwks::*;
pub use jwt_templates::*;
pub use organization_invitations::*;
pub use organization_memberships::*;
pub use organizations::*;
pub use phone_numbers::*;
pub use redirect_urls::*;
pub use sessions::*;
pub use sign_in_tokens::*;
pub use users::*;

pub use generated::*;

/// Declare a resource-group handle: `pub struct Users { client }` plus its accessor on
/// [`ClerkClient`].
macro_rules! resource {
    ($(#[$meta:meta])* $name:ident, $accessor:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub(crate) client: $crate::api::ClerkClient,
        }

        impl $crate::api::ClerkClient {
            #[doc = concat!("The [`", stringify!($name), "`] resource group.")]
            pub fn $accessor(&self) -> $name {
                $name {
                    client: self.clone(),
                }
            }
        }
    };
}
pub(crate) use resource;

/// Declare an operation's request builder: a `#[must_use]` struct wrapping a
/// [`request::Call`] with `send()` returning `$out`; `paginated` adds `into_stream()`.
macro_rules! operation {
    ($(#[$meta:meta])* $name:ident -> Page<$item:ty>, paginated) => {
        $crate::api::operation!($(#[$meta])* $name -> $crate::api::Page<$item>);

        impl $name {
            /// Stream every item across pages, fetching the next page (advancing `offset`
            /// by the page size, `limit` or 100) when the current one is used up. Stops at
            /// the first error, which is yielded.
            pub fn into_stream(
                self,
            ) -> impl futures_util::Stream<Item = Result<$item, $crate::Error>> + Send + 'static
            {
                $crate::api::page::paginate(self.call)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident -> $out:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct $name {
            call: $crate::api::request::Call,
        }

        impl $name {
            /// Send the request.
            ///
            /// # Errors
            ///
            /// [`ErrorKind::Api`](crate::ErrorKind::Api) when Clerk answers with an error
            /// status (see [`Error::api_error`](crate::Error::api_error)),
            /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the answer has an
            /// unexpected shape, [`ErrorKind::Transport`](crate::ErrorKind::Transport) or
            /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) when Clerk cannot be
            /// reached, and [`ErrorKind::Configuration`](crate::ErrorKind::Configuration)
            /// when the secret key is missing or malformed.
            pub async fn send(self) -> Result<$out, $crate::Error> {
                self.call.send().await
            }
        }
    };
}
pub(crate) use operation;

/// Typed setters for query and body parameters. The JSON / query key is the setter's name.
///
/// - `query name: String;` sets a string query parameter; `query name: [String];` appends
///   to a repeatable one; `query name: T;` sets any `ToString` value.
/// - `body name: String;`, `body name: [String];` (append), `body name: T;`,
///   `body name: Patch<T>;` (absent / null / value).
macro_rules! setters {
    () => {};
    ($(#[$d:meta])* query $name:ident: String; $($rest:tt)*) => {
        $(#[$d])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.call.query(stringify!($name), value.into());
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* query $name:ident: [String]; $($rest:tt)*) => {
        $(#[$d])*
        #[doc = ""]
        #[doc = "Repeatable: each call adds a value (matching any of them)."]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.call.query_append(stringify!($name), value.into());
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* query $name:ident: $t:ty; $($rest:tt)*) => {
        $(#[$d])*
        pub fn $name(mut self, value: $t) -> Self {
            self.call.query(stringify!($name), value);
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* body $name:ident: String; $($rest:tt)*) => {
        $(#[$d])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.call.field(stringify!($name), value.into());
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* body $name:ident: [String]; $($rest:tt)*) => {
        $(#[$d])*
        #[doc = ""]
        #[doc = "Repeatable: each call adds a value."]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.call.field_append(stringify!($name), value.into());
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* body $name:ident: Patch<$t:ty>; $($rest:tt)*) => {
        $(#[$d])*
        #[doc = ""]
        #[doc = "Pass [`Patch::Null`](crate::api::Patch::Null) to clear the field."]
        pub fn $name(mut self, value: impl Into<$crate::api::Patch<$t>>) -> Self {
            self.call.patch(stringify!($name), value.into());
            self
        }
        $crate::api::setters!($($rest)*);
    };
    ($(#[$d:meta])* body $name:ident: $t:ty; $($rest:tt)*) => {
        $(#[$d])*
        pub fn $name(mut self, value: $t) -> Self {
            self.call.field(stringify!($name), value);
            self
        }
        $crate::api::setters!($($rest)*);
    };
}
pub(crate) use setters;
