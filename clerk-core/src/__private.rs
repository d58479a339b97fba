//! Items for this workspace's own tooling (fuzz harnesses, integrations). Not part of the public
//! API: no stability promise, hidden from the docs.

use crate::VerifyTokenOptionsBuilder;
use crate::api::ClerkClientBuilder;
use crate::jwt::{VerificationKey, VerifyOptionsError, VerifyTokenOptions};

/// Test seams of [`VerifyTokenOptions`]: bring the trait into scope to call them.
pub trait VerifierSeams {
    /// How many tokens the verified-token cache holds now.
    fn token_cache_len(&self) -> usize;
    /// How many JWKS requests the cache behind these options has sent (0 with a local key).
    fn jwks_fetch_count(&self) -> u64;
}

impl VerifierSeams for VerifyTokenOptions {
    fn token_cache_len(&self) -> usize {
        VerifyTokenOptions::token_cache_len(self)
    }

    fn jwks_fetch_count(&self) -> u64 {
        VerifyTokenOptions::jwks_fetch_count(self)
    }
}

/// Test seam of [`VerifyTokenOptionsBuilder`].
pub trait UnsharedBuild {
    /// As `build`, with a JWKS cache of its own instead of the process-wide shared one (for
    /// tests that need a cold cache).
    ///
    /// # Errors
    ///
    /// As `build`.
    fn build_unshared(self) -> Result<VerifyTokenOptions, VerifyOptionsError>;
}

impl UnsharedBuild for VerifyTokenOptionsBuilder {
    fn build_unshared(self) -> Result<VerifyTokenOptions, VerifyOptionsError> {
        VerifyTokenOptionsBuilder::build_unshared(self)
    }
}

/// Test seam of [`ClerkClientBuilder`].
pub trait ObserveResponses: Sized {
    /// Observe every response's operation, status and headers (the conformance tests check
    /// Prism's `sl-violations` header).
    #[must_use]
    fn observe_responses(
        self,
        observer: impl Fn(&str, u16, &http::HeaderMap) + Send + Sync + 'static,
    ) -> Self;
}

impl ObserveResponses for ClerkClientBuilder {
    fn observe_responses(
        self,
        observer: impl Fn(&str, u16, &http::HeaderMap) + Send + Sync + 'static,
    ) -> Self {
        ClerkClientBuilder::observe_responses(self, observer)
    }
}

/// Runs JWKS ingestion on a raw response body: the `(kid, bits)` of every key that would be used,
/// sorted, or the error a verification would report.
///
/// # Errors
///
/// The reason code of the error, when the body yields no usable key.
pub fn ingest_jwks(body: &[u8]) -> Result<Vec<(String, usize)>, &'static str> {
    crate::jwt::ingest_for_tooling(body)
        .map(|keys| {
            let mut out: Vec<(String, usize)> = keys
                .iter()
                .map(|(kid, key): (&String, &std::sync::Arc<VerificationKey>)| {
                    (kid.clone(), key.bits())
                })
                .collect();
            out.sort();
            out
        })
        .map_err(|e| e.reason().as_str())
}

/// Defines an integration crate's `ClerkUser` and `Protected<P>` (written once here, so the three
/// integrations have the same types, methods and docs); the crate adds its framework's extractor
/// or guard impls. `$krate` is the crate's name, for the doc examples; the attributes before each
/// `pub struct` are the type's framework-specific docs.
///
/// Generates `ClerkUser::new(Auth)` and `Protected::new(ClerkUser)` (crate-private constructors)
/// and `Protected::from_request_auth`, the decision of [`RequestAuth::satisfies`](crate::integration::RequestAuth::satisfies).
#[macro_export]
#[doc(hidden)]
macro_rules! __define_user {
    (
        crate = $krate:literal;
        $(#[$user_meta:meta])*
        pub struct ClerkUser;
        $(#[$protected_meta:meta])*
        pub struct Protected;
    ) => {
        $(#[$user_meta])*
        ///
        /// A newtype over [`Auth`](crate::Auth) that is always signed in: it dereferences to `Auth` (session id, organization id,
        /// role, slug and permissions, claims, actor, `has`, `get_token`, ...), and its
        /// [`user_id`](Self::user_id) is always present.
        #[derive(Clone)]
        pub struct ClerkUser($crate::Auth);

        impl ClerkUser {
            /// A signed-in user (the caller checked).
            #[allow(dead_code)]
            pub(crate) fn new(auth: $crate::Auth) -> Self {
                Self(auth)
            }

            /// The auth object (always signed in).
            ///
            /// ```
            #[doc = concat!("# fn f(user: ", $krate, "::ClerkUser) {")]
            /// assert!(user.auth().is_signed_in());
            /// # }
            /// ```
            #[must_use]
            pub fn auth(&self) -> &$crate::Auth {
                &self.0
            }

            /// The auth object, by value.
            ///
            /// ```
            #[doc = concat!("# fn f(user: ", $krate, "::ClerkUser) {")]
            #[doc = concat!("let auth: ", $krate, "::Auth = user.into_auth();")]
            /// # }
            /// ```
            #[must_use]
            pub fn into_auth(self) -> $crate::Auth {
                self.0
            }

            /// The user id (`sub`), always present for a signed-in user.
            ///
            /// ```
            #[doc = concat!("# fn f(user: ", $krate, "::ClerkUser) {")]
            /// println!("signed in as {}", user.user_id());
            /// # }
            /// ```
            #[must_use]
            pub fn user_id(&self) -> &str {
                self.0.user_id().unwrap_or_default()
            }
        }

        impl ::core::ops::Deref for ClerkUser {
            type Target = $crate::Auth;

            fn deref(&self) -> &$crate::Auth {
                &self.0
            }
        }

        impl ::core::fmt::Debug for ClerkUser {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple("ClerkUser").field(&self.0).finish()
            }
        }

        $(#[$protected_meta])*
        ///
        /// `P` is a [`Policy`](crate::Policy): any of its roles and all of its permissions, in the active organization, all of
        /// its features and plans, and its reverification level (Clerk's `has()` semantics; [`Policy::decide`](crate::Policy::decide)). Write one by hand, or let `#[clerk_protected(...)]` generate it.
        /// `Protected<P>` dereferences to [`ClerkUser`].
        pub struct Protected<P: $crate::Policy> {
            user: ClerkUser,
            policy: ::core::marker::PhantomData<fn() -> P>,
        }

        impl<P: $crate::Policy> Protected<P> {
            /// The decision for this route: the signed-in user satisfying `P`, or the rejection.
            #[allow(dead_code)]
            pub(crate) fn from_request_auth(
                stored: &$crate::integration::RequestAuth,
            ) -> ::core::result::Result<Self, $crate::integration::Rejection> {
                stored.satisfies::<P>().map(|auth| Self {
                    user: ClerkUser(auth),
                    policy: ::core::marker::PhantomData,
                })
            }

            /// The signed-in user.
            ///
            /// ```
            #[doc = concat!("# fn f(admin: ", $krate, "::Protected<", $krate, "::SignedIn>) {")]
            #[doc = concat!("let user: ", $krate, "::ClerkUser = admin.into_user();")]
            /// # }
            /// ```
            #[must_use]
            pub fn into_user(self) -> ClerkUser {
                self.user
            }
        }

        impl<P: $crate::Policy> ::core::ops::Deref for Protected<P> {
            type Target = ClerkUser;

            fn deref(&self) -> &ClerkUser {
                &self.user
            }
        }

        impl<P: $crate::Policy> ::core::clone::Clone for Protected<P> {
            fn clone(&self) -> Self {
                Self {
                    user: self.user.clone(),
                    policy: ::core::marker::PhantomData,
                }
            }
        }

        impl<P: $crate::Policy> ::core::fmt::Debug for Protected<P> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("Protected")
                    .field("policy", &::core::any::type_name::<P>())
                    .field("user", &self.user)
                    .finish()
            }
        }
    };
}

/// Defines an integration crate's `ClerkRejection`, a newtype over
/// [`Rejection`](crate::integration::Rejection) with its accessors, `Display` and `Error`; the
/// crate adds its framework's response trait. `$krate` is the crate's name and `$fix` what the
/// missing-setup answer tells to add; the attributes before `pub struct` are the
/// framework-specific docs.
///
/// Generates `ClerkRejection::MISSING_SETUP_FIX`, `ClerkRejection::missing_setup()` and
/// `ClerkRejection::logged(rejection)` (which emits [`Rejection::log`](crate::integration::Rejection::log)).
#[macro_export]
#[doc(hidden)]
macro_rules! __define_rejection {
    (
        crate = $krate:literal;
        fix = $fix:expr;
        $(#[$meta:meta])*
        pub struct ClerkRejection;
    ) => {
        $(#[$meta])*
        ///
        /// | situation | status | body (`application/json`) |
        /// | --- | --- | --- |
        /// | not signed in | `401` + `WWW-Authenticate: Bearer` | `{"error":"unauthenticated","reason":<reason or null>}` |
        /// | not signed in because Clerk's signing keys cannot be loaded (an outage) | `503` + `Retry-After: 5` | `{"status":"signed-out","reason":<reason>}` |
        /// | signed in, the route's policy not satisfied | `403` | `{"error":"forbidden"}` |
        /// | signed in, the policy's roles, permissions, features and plans held but the factors not verified recently enough for its reverification level | `403` | `{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":<level>,"afterMinutes":<minutes>}}}}` (Clerk's reverification hint) |
        /// | the integration does not run in front of the route | `500` | `{"error":"clerk_not_configured","message":<the fix>}` |
        ///
        /// Each rejection emits one `tracing` event, the same in every framework
        /// ([`Rejection::log`](crate::clerk_core::integration::Rejection::log)): the status and the reason or policy, never token contents.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct ClerkRejection($crate::integration::Rejection);

        impl ClerkRejection {
            /// What a route must do when the integration is missing: the `500` body's message
            /// and `Display`.
            pub(crate) const MISSING_SETUP_FIX: &'static str = $fix;

            /// The missing-setup rejection, logged.
            #[allow(dead_code)]
            pub(crate) fn missing_setup() -> Self {
                Self::logged($crate::integration::Rejection::missing_setup(Self::MISSING_SETUP_FIX))
            }

            /// `rejection`, logged.
            pub(crate) fn logged(rejection: $crate::integration::Rejection) -> Self {
                rejection.log();
                Self(rejection)
            }

            /// The HTTP status code: `401`, `503`, `403` or `500`.
            ///
            /// ```
            #[doc = concat!("use ", $krate, "::ClerkRejection;")]
            #[doc = concat!("use ", $krate, "::clerk_core::integration::Rejection;")]
            ///
            /// let rejection = ClerkRejection::from(Rejection::Forbidden { policy: "Admins" });
            /// assert_eq!(rejection.status_code(), 403);
            /// ```
            #[must_use]
            pub fn status_code(&self) -> u16 {
                self.0.status()
            }

            /// Clerk's auth reason of a `401` or `503` (the `x-clerk-auth-reason` header), such as
            /// `token-expired` or `jwk-remote-failed-to-load`; `None` otherwise.
            ///
            /// ```
            #[doc = concat!("use ", $krate, "::ClerkRejection;")]
            #[doc = concat!("use ", $krate, "::clerk_core::{AuthReason, integration::Rejection};")]
            ///
            /// let reason = Some(AuthReason::CookieAndUatMissing);
            /// let rejection = ClerkRejection::from(Rejection::Unauthenticated { reason });
            /// assert_eq!(rejection.reason(), Some("cookie-and-uat-missing"));
            /// ```
            #[must_use]
            pub fn reason(&self) -> Option<&'static str> {
                self.0.reason()
            }

            /// The framework-neutral rejection.
            ///
            /// ```
            #[doc = concat!("use ", $krate, "::ClerkRejection;")]
            #[doc = concat!("use ", $krate, "::clerk_core::integration::Rejection;")]
            ///
            /// let rejection = ClerkRejection::from(Rejection::Unavailable { reason: None });
            /// assert!(matches!(rejection.rejection(), Rejection::Unavailable { .. }));
            /// ```
            #[must_use]
            pub fn rejection(&self) -> &$crate::integration::Rejection {
                &self.0
            }
        }

        impl ::core::convert::From<$crate::integration::Rejection> for ClerkRejection {
            fn from(rejection: $crate::integration::Rejection) -> Self {
                Self(rejection)
            }
        }

        impl ::core::fmt::Display for ClerkRejection {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::error::Error for ClerkRejection {}
    };
}

/// Defines an integration's `ClerkMachine`: the verified machine token of a request (API key,
/// M2M token, OAuth access token), a newtype over [`MachineToken`](crate::MachineToken). The
/// framework glue (the extractor or guard impl) stays in the integration.
#[macro_export]
#[doc(hidden)]
macro_rules! __define_machine {
    (
        crate = $krate:literal;
        $(#[$meta:meta])*
        pub struct ClerkMachine;
    ) => {
        $(#[$meta])*
        ///
        /// It dereferences to [`MachineToken`](crate::clerk_core::MachineToken): the token type,
        /// id, subject, scopes, claims, and the user, organization, machine or OAuth client it
        /// acts for. The layer must accept machine tokens
        /// ([`ClerkConfigBuilder::accepts_token`](crate::clerk_core::ClerkConfigBuilder::accepts_token),
        /// e.g. `AcceptsToken::Any`); the extractor then answers `401` with Clerk's reason
        /// (`token-type-mismatch` without a machine token, `token-invalid`, …).
        #[derive(Clone, Debug)]
        pub struct ClerkMachine($crate::MachineToken);

        impl ClerkMachine {
            /// The verified machine token (the caller checked).
            #[allow(dead_code)]
            pub(crate) fn new(token: $crate::MachineToken) -> Self {
                Self(token)
            }

            /// The machine token, by value.
            ///
            /// ```
            #[doc = concat!("# fn f(machine: ", $krate, "::ClerkMachine) {")]
            #[doc = concat!("let token: ", $krate, "::clerk_core::MachineToken = machine.into_inner();")]
            /// # }
            /// ```
            #[must_use]
            pub fn into_inner(self) -> $crate::MachineToken {
                self.0
            }
        }

        impl ::core::ops::Deref for ClerkMachine {
            type Target = $crate::MachineToken;

            fn deref(&self) -> &$crate::MachineToken {
                &self.0
            }
        }

        /// Who made a request, for routes served to users and machines alike: a signed-in
        /// [`ClerkUser`] or a [`ClerkMachine`]; `401` (or `503` when Clerk's signing keys cannot be
        /// loaded) when neither.
        ///
        /// ```
        #[doc = concat!("use ", $krate, "::ClerkCaller;")]
        ///
        /// fn who(caller: &ClerkCaller) -> String {
        ///     match caller {
        ///         ClerkCaller::User(user) => format!("user {}", user.user_id()),
        ///         ClerkCaller::Machine(machine) => format!("{} {}", machine.token_type(), machine.subject()),
        ///     }
        /// }
        /// ```
        #[derive(Clone, Debug)]
        pub enum ClerkCaller {
            /// A signed-in user.
            User(ClerkUser),
            /// A machine caller.
            Machine(ClerkMachine),
        }

        impl ClerkCaller {
            /// The user, for a signed-in user.
            ///
            /// ```
            #[doc = concat!("# fn f(caller: ", $krate, "::ClerkCaller) {")]
            /// if let Some(user) = caller.user() {
            ///     println!("user {}", user.user_id());
            /// }
            /// # }
            /// ```
            #[must_use]
            pub fn user(&self) -> ::core::option::Option<&ClerkUser> {
                match self {
                    Self::User(user) => Some(user),
                    Self::Machine(_) => None,
                }
            }

            /// The machine token, for a machine caller.
            ///
            /// ```
            #[doc = concat!("# fn f(caller: ", $krate, "::ClerkCaller) {")]
            /// if let Some(machine) = caller.machine() {
            ///     println!("{} with scopes {:?}", machine.subject(), machine.scopes());
            /// }
            /// # }
            /// ```
            #[must_use]
            pub fn machine(&self) -> ::core::option::Option<&ClerkMachine> {
                match self {
                    Self::User(_) => None,
                    Self::Machine(machine) => Some(machine),
                }
            }
        }

        /// A caller (a signed-in user or a machine) that the policy `P` admits: its token is of
        /// a type `P` accepts ([`Policy::tokens`](crate::clerk_core::Policy::tokens)), a machine
        /// token carries every scope of `P`, a user meets its roles, permissions, features,
        /// plans and reverification ([`RequestAuth::authorize`](crate::clerk_core::integration::RequestAuth::authorize)).
        /// What `#[clerk_protected(token = [...])]` injects when the route accepts machine
        /// tokens; it dereferences to [`ClerkCaller`].
        ///
        /// Rejects with `401` (no token, a token of another type, an invalid one), `403` (a
        /// missing scope, role, …), or `500` when the configuration does not verify a type `P`
        /// accepts.
        ///
        /// ```
        #[doc = concat!("use ", $krate, "::{Policy, ProtectedCaller};")]
        #[doc = concat!("use ", $krate, "::clerk_core::TokenType;")]
        ///
        /// struct InvoiceWriters;
        ///
        /// impl Policy for InvoiceWriters {
        ///     fn tokens() -> &'static [TokenType] {
        ///         &[TokenType::ApiKey, TokenType::M2mToken]
        ///     }
        ///     fn scopes() -> &'static [&'static str] {
        ///         &["invoices:write"]
        ///     }
        /// }
        ///
        /// fn who(caller: &ProtectedCaller<InvoiceWriters>) -> Option<&str> {
        ///     caller.machine().map(|machine| machine.subject())
        /// }
        /// ```
        pub struct ProtectedCaller<P: $crate::Policy> {
            caller: ClerkCaller,
            policy: ::core::marker::PhantomData<fn() -> P>,
        }

        impl<P: $crate::Policy> ProtectedCaller<P> {
            /// The decision for this route: the caller `P` admits, or the rejection.
            #[allow(dead_code)]
            pub(crate) fn from_request_auth(
                stored: &$crate::integration::RequestAuth,
            ) -> ::core::result::Result<Self, $crate::integration::Rejection> {
                stored.authorize::<P>().map(|caller| Self {
                    caller: caller.into(),
                    policy: ::core::marker::PhantomData,
                })
            }

            /// The caller, by value.
            #[must_use]
            pub fn into_caller(self) -> ClerkCaller {
                self.caller
            }
        }

        impl<P: $crate::Policy> ::core::ops::Deref for ProtectedCaller<P> {
            type Target = ClerkCaller;

            fn deref(&self) -> &ClerkCaller {
                &self.caller
            }
        }

        impl<P: $crate::Policy> ::core::clone::Clone for ProtectedCaller<P> {
            fn clone(&self) -> Self {
                Self {
                    caller: self.caller.clone(),
                    policy: ::core::marker::PhantomData,
                }
            }
        }

        impl<P: $crate::Policy> ::core::fmt::Debug for ProtectedCaller<P> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("ProtectedCaller")
                    .field("policy", &::core::any::type_name::<P>())
                    .field("caller", &self.caller)
                    .finish()
            }
        }

        impl ::core::convert::From<$crate::integration::Caller> for ClerkCaller {
            fn from(caller: $crate::integration::Caller) -> Self {
                match caller {
                    $crate::integration::Caller::User(auth) => Self::User(ClerkUser::new(auth)),
                    $crate::integration::Caller::Machine(token) => {
                        Self::Machine(ClerkMachine::new(token))
                    }
                }
            }
        }
    };
}

/// Defines `AuthHeaders` for an adapter whose responses have `extensions()`,
/// `extensions_mut()` and `headers_mut()` (axum, actix-web): the `x-clerk-auth-*` headers of a
/// state ([`response_headers`](crate::integration::response_headers)) as the framework's
/// `HeaderName` / `HeaderValue` (which must be in scope; the status and reason are static
/// values, no allocation unless there is a message), and `apply`, which adds them to a response
/// unless an inner layer or middleware (with another configuration) already did: the innermost
/// one's state is the one that decided. The argument is the `apply` signature's response type,
/// with its generic parameters.
#[macro_export]
#[doc(hidden)]
macro_rules! __define_auth_headers {
    (fn apply<$($generic:ident),*>(response: &mut $response:ty)) => {
        /// The headers of a state (`x-clerk-auth-*`, and with the handshake protocol its
        /// `location`, `set-cookie`, `cache-control`, …), ready to be added to its response.
        /// `None` (the default): not this layer's state, nothing to add or mark.
        #[derive(Default)]
        struct AuthHeaders(::std::option::Option<::std::vec::Vec<(HeaderName, HeaderValue)>>);

        impl AuthHeaders {
            fn new(state: &$crate::AuthState) -> Self {
                let values = $crate::integration::response_headers(state);
                Self(Some(
                    values
                        .filter_map(|(name, value)| {
                            let value = match value {
                                ::std::borrow::Cow::Borrowed(code) => {
                                    Some(HeaderValue::from_static(code))
                                }
                                ::std::borrow::Cow::Owned(text) => {
                                    HeaderValue::from_str(&text).ok()
                                }
                            };
                            value.map(|value| (HeaderName::from_static(name), value))
                        })
                        .collect(),
                ))
            }

            /// Adds the headers to `response` (`set-cookie` appended, the others replacing),
            /// unless a layer or middleware nested inside this one (with another configuration)
            /// already did.
            fn apply<$($generic),*>(self, response: &mut $response) {
                // Marked even when empty: the innermost state decided, with or without headers.
                let Some(own) = self.0 else { return };
                if response.extensions().get::<HeadersSet>().is_some() {
                    return;
                }
                response.extensions_mut().insert(HeadersSet);
                let headers = response.headers_mut();
                for (name, value) in own {
                    if name == "set-cookie" {
                        headers.append(name, value);
                    } else {
                        headers.insert(name, value);
                    }
                }
            }
        }

        /// Marks a response whose `x-clerk-auth-*` headers a layer or middleware has set.
        #[derive(Clone, Copy)]
        struct HeadersSet;
    };
}

/// Defines an integration's webhook types: `ClerkWebhook<T>` (a verified delivery, the body
/// parsed as `T`) and `WebhookRejection`, a newtype over
/// [`integration::WebhookRejection`](crate::integration::WebhookRejection) to which the crate
/// adds its framework's response trait. The attributes before each `pub struct` are the type's
/// framework-specific docs; `$fix` is what the missing-setup answer tells to add.
#[macro_export]
#[doc(hidden)]
macro_rules! __define_webhook {
    (
        crate = $krate:literal;
        fix = $fix:expr;
        $(#[$webhook_meta:meta])*
        pub struct ClerkWebhook;
        $(#[$rejection_meta:meta])*
        pub struct WebhookRejection;
    ) => {
        $(#[$webhook_meta])*
        ///
        /// It dereferences to the event `T` ([`WebhookEvent`](crate::clerk_core::WebhookEvent)
        /// by default: the envelope, whose [`typed`](crate::clerk_core::WebhookEvent::typed)
        /// gives the [`ClerkEvent`](crate::clerk_core::ClerkEvent); or your own
        /// `Deserialize` type). [`message_id`](Self::message_id) is the same on every retry of
        /// a delivery: the key to process each event once.
        #[derive(Debug, Clone)]
        pub struct ClerkWebhook<T = $crate::WebhookEvent> {
            delivery: $crate::Delivery<T>,
        }

        impl<T> ClerkWebhook<T> {
            /// The message id (`svix-id`): the same on every retry of this delivery, so keep
            /// the ids already processed and skip them.
            #[must_use]
            pub fn message_id(&self) -> &str {
                &self.delivery.meta.message_id
            }

            /// When this attempt was sent (`svix-timestamp`), in Unix seconds.
            #[must_use]
            pub fn attempted_at(&self) -> i64 {
                self.delivery.meta.attempt_unix_secs
            }

            /// The event.
            #[must_use]
            pub fn event(&self) -> &T {
                &self.delivery.event
            }

            /// The event, by value.
            #[must_use]
            pub fn into_event(self) -> T {
                self.delivery.event
            }

            /// The whole verified delivery: its metadata and the event.
            #[must_use]
            pub fn into_delivery(self) -> $crate::Delivery<T> {
                self.delivery
            }
        }

        impl<T> ::core::ops::Deref for ClerkWebhook<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.delivery.event
            }
        }

        /// The verifier's lookup failed: logged, as the missing-setup rejection.
        #[allow(dead_code)]
        fn webhook_missing_setup() -> WebhookRejection {
            WebhookRejection::logged($crate::integration::WebhookRejection::MissingSetup {
                fix: $fix,
            })
        }

        /// The one decision of the extractor: verify `body` with the request's `header`s.
        #[allow(dead_code)]
        fn receive_webhook<'h, T: ::serde::de::DeserializeOwned>(
            verifier: &$crate::WebhookVerifier,
            header: impl FnMut(&str) -> ::core::option::Option<&'h str>,
            body: &[u8],
        ) -> ::core::result::Result<ClerkWebhook<T>, WebhookRejection> {
            $crate::integration::receive_webhook(verifier, header, body)
                .map(|delivery| ClerkWebhook { delivery })
                .map_err(WebhookRejection::logged)
        }

        $(#[$rejection_meta])*
        ///
        /// | situation | status | body (`application/json`) |
        /// | --- | --- | --- |
        /// | not a valid signed delivery (a header missing, the timestamp out of tolerance, no matching signature, a body that is not the expected JSON) | `400` | `{"error":"invalid_webhook","reason":<code>,"message":<what failed>}` |
        /// | the body over the limit | `413` | `{"error":"payload_too_large","limit":<bytes or null>}` |
        /// | no `WebhookVerifier` set up | `500` | `{"error":"clerk_webhooks_not_configured","message":<the fix>}` |
        ///
        /// Each rejection emits one `tracing` event (never the body).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct WebhookRejection($crate::integration::WebhookRejection);

        impl WebhookRejection {
            /// `rejection`, logged.
            pub(crate) fn logged(rejection: $crate::integration::WebhookRejection) -> Self {
                rejection.log();
                Self(rejection)
            }

            /// The HTTP status code: `400`, `413` or `500`.
            #[must_use]
            pub fn status_code(&self) -> u16 {
                self.0.status()
            }

            /// The framework-neutral rejection.
            #[must_use]
            pub fn rejection(&self) -> &$crate::integration::WebhookRejection {
                &self.0
            }
        }

        impl ::core::fmt::Display for WebhookRejection {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::error::Error for WebhookRejection {}
    };
}
