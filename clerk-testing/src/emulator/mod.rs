//! [`Emulator`]: a local Clerk (Backend API subset, JWKS, sign-in page, clerk-js stand-in) on
//! 127.0.0.1.

mod api;
mod exchange;
mod handshake;
mod machines;
mod records;
mod router;
mod script;
mod server;
mod signin;
mod store;
mod webhooks;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_core::{AuthProtocol, ClerkConfig, ClerkConfigBuilder};
use tokio::sync::{mpsc, oneshot, watch};

use crate::{InvalidWebhookSecret, TestInstance, WebhookSigner};
use exchange::Shared;
use store::State;
use webhooks::{Outbox, Queued, WebhookTarget};
pub use webhooks::{WebhookAttempt, WebhookAttemptOutcome, WebhookDelivery, WebhookDeliveryStatus};

/// A local Clerk emulator: a real HTTP server on `127.0.0.1` with the Backend API subset your
/// app calls, the instance's JWKS, a development sign-in page and a stand-in for the clerk-js
/// browser script, all backed by an in-memory store.
///
/// It stops when [`shutdown`](Self::shutdown) is awaited or the handle is dropped (unless
/// [`detach`](Self::detach)ed).
///
/// # Routes
///
/// | route | what |
/// | --- | --- |
/// | `GET /v1/jwks` | the instance's JWKS (Bearer secret key required) |
/// | `GET /.well-known/jwks.json` | the same JWKS, public (Frontend API style) |
/// | `/v1/users`, `/v1/users/count`, `/v1/users/{id}`, `/v1/users/{id}/metadata`, `/v1/users/{id}/organization_memberships` | list (filters `email_address`, `user_id`, `external_id`, `username`, `phone_number`, `organization_id`, `query`, `limit`, `offset`, `order_by`), count, get, create, update, merge metadata, delete |
/// | `/v1/sessions`, `/v1/sessions/{id}`, `/v1/sessions/{id}/revoke`, `/v1/sessions/{id}/tokens[/{template}]` | list (`user_id`, `client_id`, `status`), create (`user_id`), get, revoke, mint a session token |
/// | `/v1/organizations`, `/v1/organizations/{id or slug}`, `/v1/organizations/{id}/metadata` | list, create, get, update, merge metadata, delete |
/// | `/v1/organizations/{id}/memberships[/{user_id}[/metadata]]` | list, create, update the role, merge metadata, delete |
/// | `GET /sign-in?redirect_url=`, `POST /sign-in` | pick a user; starts a session and redirects (303) back to a loopback `redirect_url` |
/// | `GET /sign-out?redirect_url=` | ends the browser's session and redirects back |
/// | `GET /emulator/webhooks` | the webhook endpoint and every delivery with its attempts, as JSON (see below) |
/// | `GET /npm/@clerk/clerk-js@<version>/dist/clerk.browser.js` | a clerk-js stand-in: versions 4 and older (and tags such as `latest`) get the clerk-js 4 stand-in the interstitial page loads; 5 and newer (`5`, `5.x.y`) the clerk-js 5 stand-in ([`clerk_js_v5_url`](Self::clerk_js_v5_url)) that keeps the app's cookies fresh without an interstitial |
/// | `/v1/client/session-token`, `/v1/client/sign-out` | what the stand-ins call (emulator cookie, CORS for loopback origins) |
/// | `GET /v1/client/handshake` | Frontend API handshake, see below |
/// | `POST /v1/dev_browser` | Frontend API: a development browser, `{"object": "dev_browser", "id", "token"}`; the `token` is the `__clerk_db_jwt` value (opaque `dvb_...`), bound to the browser's client when the emulator cookie comes along (CORS for loopback origins) |
/// | `GET /v1/clients/handshake_payload?nonce=` | the handshake's cookie directives, `{"directives": [...]}`; a nonce works once and for 5 minutes, then `404` |
/// | `POST /v1/sessions/{id}/refresh` | a new session token for an expired one and the session's refresh token (`__refresh_<suffix>`): `{"object": "token", "jwt"}` or, with `"format": "cookie"`, `{"object": "cookies", "cookies": [...]}` (`__client_uat`, `__session`, suffixed too with `?suffixed_cookies=true`); `401` `expired_token_invalid` / `refresh_token_invalid` |
/// | `POST /v1/machines`, `GET /v1/machines/{id}`, `GET /v1/machines/{id}/secret_key` | create a machine (`name`, `scoped_machines`, `default_token_ttl`; the answer carries its `secret_key`, `ak_...`), get it, its secret key |
/// | `POST /v1/api_keys`, `POST /v1/api_keys/{id}/revoke` | an API key of a user, organization or machine (`name`, `subject`, `scopes`, `claims`, `description`, `seconds_until_expiration`; the `secret`, `ak_...`, is in this answer only), revoke |
/// | `POST /v1/m2m_tokens`, `POST /v1/m2m_tokens/{id}/revoke` | an M2M token (`201`) for the machine whose secret key is the Bearer (or, with the instance secret key, the `machine_id` of the body: an emulator extension): `token_format` `opaque` (`mt_...`) or `jwt`, `claims`, `seconds_until_expiration` (default: the machine's `default_token_ttl`); `scopes` = the machines it may call. Revoke |
/// | `POST /v1/api_keys/verify` `{"secret"}`, `POST /v1/m2m_tokens/verify` `{"token"}`, `POST /v1/oauth_applications/access_tokens/verify` `{"access_token"}`, and the same without `/v1` (as `@clerk/backend` 3.x calls them) | verify; M2M verification also accepts a machine secret key as the Bearer. Unknown, revoked or expired: `404` (`API key not found`, `Machine token not found`, `OAuth token not found`): the SDK takes any `200` as valid |
///
/// Every Backend API route requires `Authorization: Bearer <secret key>` (a machine secret key
/// only on the M2M create and verify routes; any other is `401`); errors, unknown
/// routes included, answer in Clerk's `{"errors": [...], "clerk_trace_id": ...}` shape.
///
/// # Machine tokens
///
/// JWT-format tokens are RS256 with the instance key (the JWKS verifies them): M2M tokens with
/// header `cat: cl_B7d4PD333AAA` and claims `sub` (the machine), `scopes` (space separated),
/// `jti` (the token id), the custom claims, `iss`, `iat`, `nbf`, `exp`; OAuth access tokens
/// ([`issue_oauth_access_token_jwt`](Self::issue_oauth_access_token_jwt)) with header
/// `typ: at+jwt` and `sub`, `client_id`, `scp`, `scope`, `jti`. The verify endpoints know the
/// JWT formats too. The OAuth verification answer has no `type` field: the official spec's
/// schema forbids it.
///
/// # The handshake (clerk-js 5, `@clerk/backend` 3.x)
///
/// An app whose SDK speaks the handshake protocol finds the Frontend API at
/// [`frontend_api_url`](Self::frontend_api_url) (the emulator's URL: configure it as the proxy
/// URL, since the instance's own frontend API host does not resolve). Its 307 leads the browser
/// to `GET /v1/client/handshake?redirect_url=<app URL>&format=nonce&...`; the emulator
///
/// * refuses a missing `redirect_url` (`422 form_param_missing`) and one that is not an http(s)
///   URL on a loopback host (`400 form_param_value_invalid`), like the sign-in page;
/// * finds the browser's client from the emulator cookie (sent along: cookies are per host, not
///   per port) or, on development instances, from the dev browser of `__clerk_db_jwt`
///   (created when absent or unknown, and bound to the cookie's client);
/// * makes `organization_id` (id or slug; empty = personal account) the session's active
///   organization when the user is a member;
/// * computes the cookie directives (full `Set-Cookie` values, `Path=/`, `SameSite=Lax`, no
///   `Domain`): signed in, `__client_uat` and `__client_uat_<suffix>` (the session's
///   last-active unix seconds), `__session` and `__session_<suffix>` (a fresh token, `azp` = the
///   app's origin) and `HttpOnly` `__refresh_<suffix>`; signed out, `__client_uat*=0` and
///   `__session*`, `__refresh_<suffix>` cleared (`Max-Age=0`). Development instances get
///   `__clerk_db_jwt` and `__clerk_db_jwt_<suffix>` first. Both the suffixed and unsuffixed
///   names are always written (as clerk-js 5 does), whatever `suffixed_cookies` says;
/// * answers `307` to `redirect_url` with `__clerk_handshake_nonce=<nonce>` appended
///   (`format=nonce`, what the SDK sends: the app fetches the directives from
///   `GET /v1/clients/handshake_payload`) or `__clerk_handshake=<JWT>` (`format=token`, the
///   Frontend API spec's default when `format` is absent): an RS256 JWT with the JWKS `kid`,
///   `typ: JWT`, `cat: cl_B7d4PD111AAA` and the payload `{"handshake": [directives...]}`.
///
/// `__clerk_hs_reason`, `__session`, `suffixed_cookies` and `__clerk_api_version` are accepted
/// and not used. Shorten [`session_token_lifetime`](EmulatorBuilder::session_token_lifetime) to
/// watch tokens expire and the handshake (or a refresh) renew them.
///
/// # Webhooks
///
/// With [`webhook(url)`](EmulatorBuilder::webhook), every change to the store is delivered to
/// `url` as a Clerk webhook event, signed as Svix signs them with the
/// [`webhook_signing_secret`](Self::webhook_signing_secret) (give it to the app as
/// `CLERK_WEBHOOK_SIGNING_SECRET`):
///
/// | change | events |
/// | --- | --- |
/// | `POST /v1/users` | `user.created` |
/// | `PATCH /v1/users/{id}`, `PATCH /v1/users/{id}/metadata` | `user.updated` |
/// | `DELETE /v1/users/{id}` | `organizationMembership.deleted` for each membership, `session.removed` for each active session, then `user.deleted` |
/// | sign-in page, `POST /v1/sessions` | `session.ended` for the session the browser had, then `session.created` |
/// | sign-out page | `session.ended` |
/// | `POST /v1/sessions/{id}/revoke` | `session.revoked` |
/// | `POST /v1/organizations` | `organization.created`, then `organizationMembership.created` for `created_by` |
/// | `PATCH /v1/organizations/{id}`, `PATCH /v1/organizations/{id}/metadata` | `organization.updated` |
/// | `DELETE /v1/organizations/{id}` | `organizationMembership.deleted` for each membership, then `organization.deleted` |
/// | `POST`, `PATCH`, `DELETE` `/v1/organizations/{id}/memberships/...` | `organizationMembership.created`, `.updated`, `.deleted` |
///
/// The `data` is the resource as the emulator's Backend API renders it (`*.deleted`:
/// `{"object", "id", "deleted": true}`, or the membership as it was; `session.*`: the session
/// with its `user`), in Clerk's envelope with `object: "event"`, `timestamp` (Unix ms),
/// `instance_id` (the instance's `kid`) and `event_attributes.http_request` (the address and
/// `User-Agent` of the request behind the change). The demo data is seeded without events.
///
/// A background task sends the events one after another, in the order the changes happened,
/// never holding up the emulator's answers: a `POST` with `content-type: application/json`,
/// `svix-id` (`msg_...`, the same on every attempt), `svix-timestamp` (now) and
/// `svix-signature`. An answer other than `2xx`, or none within 15 s, is retried after
/// [`webhook_retry_delays`](EmulatorBuilder::webhook_retry_delays) (0.25 s, 1 s, 2 s), then given
/// up. [`webhook_deliveries`](Self::webhook_deliveries) and `GET /emulator/webhooks` show every
/// delivery (the latest 1000) and its attempts.
///
/// # Demo data
///
/// Unless [`seed_demo_data(false)`](EmulatorBuilder::seed_demo_data): the organization
/// `org_demo` ("Acme Inc.", slug `acme`); `user_admin` (Ada Admin, `ada@example.com`),
/// `org:admin` with `org:invoices:read` and `org:invoices:write`; `user_member` (Max Member,
/// `max@example.com`), `org:member` with `org:invoices:read`; `user_solo` (Sam Solo,
/// `sam@example.com`) in no organization; the machine `mch_demo` (allowed to call itself, secret
/// key [`machine_secret_key`](Self::machine_secret_key)) and an API key of `user_admin` (scopes
/// `read` and `write`, [`demo_api_key`](Self::demo_api_key)).
///
/// # Example
///
/// ```
/// use clerk_testing::Emulator;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let emulator = Emulator::start().await?;
/// // Your app's configuration: the emulator's keys, Backend API and script URL.
/// let config = emulator.config_builder().build()?;
/// let client = config.backend_api_client()?;
/// let ada = client.users().get("user_admin").send().await?;
/// assert_eq!(ada.first_name.as_deref(), Some("Ada"));
/// emulator.shutdown().await;
/// # Ok(()) }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    stopped: Option<oneshot::Receiver<()>>,
    detached: bool,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.shared.url)
            .field("instance", &self.shared.instance)
            .finish_non_exhaustive()
    }
}

/// Options of an [`Emulator`]; start it with [`start`](Self::start) or
/// [`start_on_thread`](Self::start_on_thread).
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    port: u16,
    instance: Option<TestInstance>,
    seed_demo_data: bool,
    session_token_lifetime: Duration,
    webhook_url: Option<String>,
    // `WebhookSigner`'s `Debug` keeps the secret out of this builder's.
    webhook_signer: Option<Result<WebhookSigner, InvalidWebhookSecret>>,
    webhook_retry_delays: Vec<Duration>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            instance: None,
            seed_demo_data: true,
            session_token_lifetime: Duration::from_secs(60),
            webhook_url: None,
            webhook_signer: None,
            webhook_retry_delays: webhooks::DEFAULT_RETRY_DELAYS.to_vec(),
        }
    }
}

/// What [`EmulatorBuilder::prepare`] makes: the bound listener, the shared state and, with a
/// webhook, the queue of its delivery task.
type Prepared = (
    std::net::TcpListener,
    Arc<Shared>,
    Option<mpsc::UnboundedReceiver<Queued>>,
);

/// The emulator could not start (the port is taken, no Tokio runtime, ...).
#[derive(Debug)]
pub struct EmulatorError {
    message: String,
    source: Option<std::io::Error>,
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl EmulatorError {
    fn io(message: String, source: std::io::Error) -> Self {
        Self {
            message: format!("{message}: {source}"),
            source: Some(source),
        }
    }

    fn config(message: String) -> Self {
        Self {
            message,
            source: None,
        }
    }
}

impl EmulatorBuilder {
    /// The port on 127.0.0.1. Defaults to `0`: a free port chosen by the system.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The Clerk instance (keys) to emulate. Defaults to a fresh [`TestInstance::new`].
    pub fn instance(mut self, instance: TestInstance) -> Self {
        self.instance = Some(instance);
        self
    }

    /// Whether to seed the demo organization and users (see [`Emulator`]). Defaults to `true`.
    pub fn seed_demo_data(mut self, seed: bool) -> Self {
        self.seed_demo_data = seed;
        self
    }

    /// The lifetime of the session tokens the emulator mints for browsers and for
    /// `POST /v1/sessions/{id}/tokens` without `expires_in_seconds`. Defaults to 60 s, as Clerk;
    /// shorten it to watch tokens expire and the interstitial, the handshake or a refresh renew
    /// them.
    pub fn session_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.session_token_lifetime = lifetime;
        self
    }

    /// Delivers webhook events to `url` (your app's webhook endpoint, e.g.
    /// `http://127.0.0.1:3000/webhooks/clerk`), signed with
    /// [`webhook_signing_secret`](Self::webhook_signing_secret): see [`Emulator`]'s
    /// "Webhooks". Defaults to none: no events are sent.
    ///
    /// ```no_run
    /// use clerk_testing::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::builder()
    ///     .webhook("http://127.0.0.1:3000/webhooks/clerk")
    ///     .start()
    ///     .await?;
    /// // Start the app with CLERK_WEBHOOK_SIGNING_SECRET set to this.
    /// let secret = emulator.webhook_signing_secret().expect("a webhook is configured");
    /// # let _ = secret;
    /// # Ok(()) }
    /// ```
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// The signing secret of the webhook deliveries: `whsec_` followed by base64 (or the bare
    /// base64), as Clerk's dashboard shows it. Defaults to a fresh random secret
    /// ([`WebhookSigner::generate`]). Set it when the app must know it before the emulator
    /// starts.
    ///
    /// [`start`](Self::start) fails when it is not valid.
    ///
    /// ```
    /// use clerk_testing::{Emulator, WebhookSigner};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let secret = WebhookSigner::generate().secret().to_owned();
    /// let emulator = Emulator::builder()
    ///     .webhook("http://127.0.0.1:9/webhooks/clerk")
    ///     .webhook_signing_secret(secret.clone())
    ///     .start()
    ///     .await?;
    /// assert_eq!(emulator.webhook_signing_secret(), Some(secret.as_str()));
    /// # Ok(()) }
    /// ```
    pub fn webhook_signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_signer = Some(WebhookSigner::new(&secret.into()));
        self
    }

    /// The delays before each retry of a webhook attempt that failed (no answer, or not
    /// `2xx`): one more attempt than delays. Defaults to 0.25 s, 1 s and 2 s (4 attempts);
    /// shorten them in tests, or pass none to try only once.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let builder = clerk_testing::Emulator::builder()
    ///     .webhook("http://127.0.0.1:3000/webhooks/clerk")
    ///     .webhook_retry_delays([Duration::from_millis(10); 2]);
    /// # let _ = builder;
    /// ```
    pub fn webhook_retry_delays(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        self.webhook_retry_delays = delays.into_iter().collect();
        self
    }

    /// The webhook target and the outbox its events go through, when a webhook is configured.
    fn webhook_target(
        &mut self,
        instance_id: &str,
    ) -> Result<Option<(WebhookTarget, Outbox, mpsc::UnboundedReceiver<Queued>)>, EmulatorError>
    {
        let Some(url) = self.webhook_url.take() else {
            return Ok(None);
        };
        let valid = url::Url::parse(&url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        if !valid {
            return Err(EmulatorError::config(format!(
                "the webhook URL {url:?} is not an absolute http(s) URL"
            )));
        }
        let signer = match self.webhook_signer.take() {
            Some(Ok(signer)) => signer,
            Some(Err(e)) => return Err(EmulatorError::config(e.to_string())),
            None => WebhookSigner::generate(),
        };
        let client = webhooks::client().map_err(|e| {
            EmulatorError::config(format!("cannot build the webhook HTTP client: {e}"))
        })?;
        let (outbox, queue) = Outbox::new(instance_id.to_owned());
        let target = WebhookTarget {
            url,
            signer,
            retry_delays: std::mem::take(&mut self.webhook_retry_delays),
            client,
        };
        Ok(Some((target, outbox, queue)))
    }

    /// Binds 127.0.0.1 and builds the shared state.
    fn prepare(mut self) -> Result<Prepared, EmulatorError> {
        let instance = self.instance.take().unwrap_or_default();
        let webhook = self.webhook_target(instance.kid())?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))
            .map_err(|e| EmulatorError::io(format!("cannot bind 127.0.0.1:{}", self.port), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| EmulatorError::io("cannot configure the listener".into(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| EmulatorError::io("cannot read the bound address".into(), e))?
            .port();
        let mut state = State::default();
        if self.seed_demo_data {
            state.seed_demo();
        }
        // After the seeding: the demo data is there from the start, not a change to report.
        let (webhook, queue) = match webhook {
            Some((target, outbox, queue)) => {
                state.webhooks = Some(outbox);
                (Some(target), Some(queue))
            }
            None => (None, None),
        };
        let shared = Arc::new(Shared {
            instance,
            url: format!("http://127.0.0.1:{port}"),
            port,
            token_lifetime: self.session_token_lifetime,
            webhook,
            state: Mutex::new(state),
        });
        Ok((listener, shared, queue))
    }

    /// Starts the emulator on the current Tokio runtime (which must have I/O and time enabled,
    /// as `#[tokio::main]` and `#[tokio::test]` do). It serves until the handle is shut down
    /// or dropped, or the runtime ends.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or there is no current Tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| EmulatorError {
            message: "Emulator::start needs a Tokio runtime; use start_on_thread from other \
                      runtimes or synchronous code"
                .into(),
            source: None,
        })?;
        let (std_listener, shared, queue) = self.prepare()?;
        let listener = {
            let _guard = handle.enter();
            tokio::net::TcpListener::from_std(std_listener)
                .map_err(|e| EmulatorError::io("cannot register the listener".into(), e))?
        };
        let (stop, stop_rx) = watch::channel(false);
        let (done, stopped) = oneshot::channel();
        if let Some(queue) = queue {
            handle.spawn(webhooks::deliver(
                Arc::clone(&shared),
                queue,
                stop_rx.clone(),
            ));
        }
        let task_shared = Arc::clone(&shared);
        handle.spawn(async move {
            server::serve(listener, task_shared, stop_rx).await;
            let _ = done.send(());
        });
        Ok(Emulator {
            shared,
            stop,
            stopped: Some(stopped),
            detached: false,
        })
    }

    /// Starts the emulator on a thread of its own with its own single-threaded Tokio runtime.
    /// Works from synchronous code and under any runtime (actix-web, Rocket, axum).
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread or runtime cannot be created.
    pub fn start_on_thread(self) -> Result<Emulator, EmulatorError> {
        let (std_listener, shared, queue) = self.prepare()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| EmulatorError::io("cannot build the emulator's runtime".into(), e))?;
        let (stop, stop_rx) = watch::channel(false);
        let (done, stopped) = oneshot::channel();
        let task_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("clerk-emulator-{}", shared.port))
            .spawn(move || {
                runtime.block_on(async move {
                    if let Some(queue) = queue {
                        tokio::spawn(webhooks::deliver(
                            Arc::clone(&task_shared),
                            queue,
                            stop_rx.clone(),
                        ));
                    }
                    if let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) {
                        server::serve(listener, task_shared, stop_rx).await;
                    }
                });
                drop(runtime);
                let _ = done.send(());
            })
            .map_err(|e| EmulatorError::io("cannot spawn the emulator thread".into(), e))?;
        Ok(Emulator {
            shared,
            stop,
            stopped: Some(stopped),
            detached: false,
        })
    }
}

impl Emulator {
    /// Starts an emulator with every default on the current Tokio runtime: a free port, a
    /// fresh [`TestInstance`], the demo data, 60-second session tokens.
    ///
    /// # Errors
    ///
    /// As [`EmulatorBuilder::start`].
    pub async fn start() -> Result<Self, EmulatorError> {
        Self::builder().start().await
    }

    /// A builder for a port, an instance, no demo data or a token lifetime.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The emulator's URL, `http://127.0.0.1:<port>` (no trailing slash).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The port it listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.shared.port
    }

    /// The emulated instance: mint more tokens with [`TestInstance::token`].
    #[must_use]
    pub fn instance(&self) -> &TestInstance {
        &self.shared.instance
    }

    /// The instance's development secret key (`CLERK_SECRET_KEY`).
    #[must_use]
    pub fn secret_key(&self) -> &str {
        self.shared.instance.secret_key()
    }

    /// The instance's publishable key (`CLERK_PUBLISHABLE_KEY`).
    #[must_use]
    pub fn publishable_key(&self) -> &str {
        self.shared.instance.publishable_key()
    }

    /// The instance's PEM public key (`CLERK_JWT_KEY`), for networkless verification.
    #[must_use]
    pub fn jwt_key(&self) -> &str {
        self.shared.instance.jwt_key()
    }

    /// The Backend API URL (`CLERK_API_URL`): the emulator's URL.
    #[must_use]
    pub fn api_url(&self) -> &str {
        &self.shared.url
    }

    /// The clerk-js stand-in (`CLERK_JS_URL`):
    /// `<url>/npm/@clerk/clerk-js@4/dist/clerk.browser.js`.
    #[must_use]
    pub fn clerk_js_url(&self) -> String {
        format!(
            "{}/npm/@clerk/clerk-js@4/dist/clerk.browser.js",
            self.shared.url
        )
    }

    /// The clerk-js 5 stand-in for apps on the handshake protocol:
    /// `<url>/npm/@clerk/clerk-js@5/dist/clerk.browser.js`. It keeps the app's `__session`,
    /// `__session_<suffix>`, `__client_uat` and `__client_uat_<suffix>` cookies in step with the
    /// emulator session and never shows an interstitial; add `data-emulator-refresh="off"` to
    /// its script tag to stop it renewing tokens in the background.
    #[must_use]
    pub fn clerk_js_v5_url(&self) -> String {
        format!(
            "{}/npm/@clerk/clerk-js@5/dist/clerk.browser.js",
            self.shared.url
        )
    }

    /// The Frontend API base URL for the handshake protocol: the emulator's URL (it serves
    /// `/v1/client/handshake` and `/v1/dev_browser`). The instance's frontend API host
    /// ([`TestInstance::frontend_api`]) does not resolve, so an app reaches the emulator's
    /// Frontend API through this URL as its proxy URL.
    #[must_use]
    pub fn frontend_api_url(&self) -> &str {
        &self.shared.url
    }

    /// The suffix of the instance's cookie names (`__session_<suffix>`, `__client_uat_<suffix>`,
    /// `__refresh_<suffix>`, `__clerk_db_jwt_<suffix>`), from its publishable key.
    #[must_use]
    pub fn cookie_suffix(&self) -> String {
        handshake::cookie_suffix(&self.shared)
    }

    /// The sign-in page that returns to `redirect_url` (an http(s) URL on a loopback host).
    #[must_use]
    pub fn sign_in_url(&self, redirect_url: &str) -> String {
        let encoded: String =
            url::form_urlencoded::byte_serialize(redirect_url.as_bytes()).collect();
        format!("{}/sign-in?redirect_url={encoded}", self.shared.url)
    }

    /// A [`ClerkConfig`] builder for an app using this emulator with the default protocol
    /// ([`AuthProtocol::DEFAULT`], the handshake): see
    /// [`config_builder_for`](Self::config_builder_for).
    pub fn config_builder(&self) -> ClerkConfigBuilder {
        self.config_builder_for(AuthProtocol::DEFAULT)
    }

    /// A [`ClerkConfig`] builder for an app using this emulator with `protocol`: its secret key,
    /// publishable key and Backend API URL; for the handshake, the emulator as the Frontend API
    /// (the proxy URL, since the instance's frontend API host does not resolve); for the
    /// interstitial, the clerk-js 4 stand-in's URL. No `jwt_key`: tokens are verified with the
    /// JWKS fetched from the emulator, as with real Clerk.
    pub fn config_builder_for(&self, protocol: AuthProtocol) -> ClerkConfigBuilder {
        let builder = ClerkConfig::builder()
            .protocol(protocol)
            .secret_key(self.secret_key())
            .publishable_key(self.publishable_key())
            .api_url(self.api_url());
        match protocol {
            AuthProtocol::Handshake => builder.proxy_url(self.frontend_api_url()),
            AuthProtocol::Interstitial => builder.clerk_js_url(self.clerk_js_url()),
        }
    }

    /// The environment variables that point an app at this emulator with the default protocol
    /// (see [`env_vars_for`](Self::env_vars_for)).
    #[must_use]
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        self.env_vars_for(AuthProtocol::DEFAULT)
    }

    /// The environment variables that point an app at this emulator with `protocol`, in
    /// `export` order: `CLERK_AUTH_PROTOCOL`, `CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`,
    /// `CLERK_API_URL`, then `CLERK_PROXY_URL` (handshake) or `CLERK_JS_URL` (interstitial), as
    /// [`config_builder_for`](Self::config_builder_for); last, with a
    /// [`webhook`](EmulatorBuilder::webhook), `CLERK_WEBHOOK_SIGNING_SECRET`.
    #[must_use]
    pub fn env_vars_for(&self, protocol: AuthProtocol) -> Vec<(&'static str, String)> {
        let mut vars = vec![
            ("CLERK_AUTH_PROTOCOL", protocol.as_str().to_owned()),
            ("CLERK_SECRET_KEY", self.secret_key().to_owned()),
            ("CLERK_PUBLISHABLE_KEY", self.publishable_key().to_owned()),
            ("CLERK_API_URL", self.api_url().to_owned()),
        ];
        vars.push(match protocol {
            AuthProtocol::Handshake => ("CLERK_PROXY_URL", self.frontend_api_url().to_owned()),
            AuthProtocol::Interstitial => ("CLERK_JS_URL", self.clerk_js_url()),
        });
        if let Some(secret) = self.webhook_signing_secret() {
            vars.push(("CLERK_WEBHOOK_SIGNING_SECRET", secret.to_owned()));
        }
        vars
    }

    /// The secret the webhook deliveries are signed with (`whsec_...`): the app's
    /// `CLERK_WEBHOOK_SIGNING_SECRET`. `None` without a [`webhook`](EmulatorBuilder::webhook).
    ///
    /// ```
    /// use clerk_testing::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::builder()
    ///     .webhook("http://127.0.0.1:9/webhooks/clerk")
    ///     .start()
    ///     .await?;
    /// let verifier = clerk_core::WebhookVerifier::new(emulator.webhook_signing_secret().unwrap())?;
    /// # let _ = verifier;
    /// assert_eq!(Emulator::start().await?.webhook_signing_secret(), None);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn webhook_signing_secret(&self) -> Option<&str> {
        self.shared.webhook.as_ref().map(|t| t.signer.secret())
    }

    /// The URL the webhook events are delivered to, as given to
    /// [`webhook`](EmulatorBuilder::webhook).
    #[must_use]
    pub fn webhook_url(&self) -> Option<&str> {
        self.shared.webhook.as_ref().map(|t| t.url.as_str())
    }

    /// Every webhook delivery so far (the latest 1000), oldest first, with its attempts: what
    /// `GET /emulator/webhooks` shows. Empty without a [`webhook`](EmulatorBuilder::webhook).
    ///
    /// ```no_run
    /// use clerk_testing::{Emulator, WebhookDeliveryStatus};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::builder()
    ///     .webhook("http://127.0.0.1:3000/webhooks/clerk")
    ///     .start()
    ///     .await?;
    /// // ... create a user through the Backend API, let the delivery happen ...
    /// for delivery in emulator.webhook_deliveries() {
    ///     println!("{} {} {:?}", delivery.message_id, delivery.event_type, delivery.status);
    ///     if delivery.status == WebhookDeliveryStatus::Failed {
    ///         println!("  attempts: {:?}", delivery.attempts);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared
            .lock()
            .webhooks
            .as_ref()
            .map(Outbox::records)
            .unwrap_or_default()
    }

    /// The demo machine's (`mch_demo`) secret key (`ak_...`), as `CLERK_MACHINE_SECRET_KEY`:
    /// it creates M2M tokens (`POST /v1/m2m_tokens`) and verifies them
    /// (`POST /m2m_tokens/verify`). `None` without the demo data.
    #[must_use]
    pub fn machine_secret_key(&self) -> Option<String> {
        let s = self.shared.lock();
        s.machine(machines::DEMO_MACHINE)
            .map(|m| m.secret_key.0.clone())
    }

    /// The secret (`ak_...`) of the demo API key of `user_admin` (scopes `read`, `write`; no
    /// expiry), for `Authorization: Bearer` calls to an app that accepts API keys. `None`
    /// without the demo data (or once revoked).
    #[must_use]
    pub fn demo_api_key(&self) -> Option<String> {
        let s = self.shared.lock();
        s.api_keys
            .iter()
            .find(|k| k.subject == "user_admin" && !k.validity.revoked)
            .map(|k| k.secret.0.clone())
    }

    /// Issues an API key (`ak_...`, no expiry) of `subject` (a user `user_...`, an organization
    /// `org_...` or a machine `mch_...`) with `scopes`, as `POST /v1/api_keys` does, and returns
    /// its secret for `Authorization: Bearer` calls; `POST /api_keys/verify` then finds it.
    #[must_use]
    pub fn issue_api_key(&self, subject: &str, scopes: &[&str]) -> String {
        let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self.shared.lock().issue_api_key(subject, scopes)
    }

    /// Issues an M2M token of the demo machine (`mch_demo`, whose scopes are the machines it
    /// may call: itself), valid for its default hour, as `POST /v1/m2m_tokens` does: opaque
    /// (`mt_...`, verified with `POST /m2m_tokens/verify`) or, with `jwt`, an RS256 JWT verified
    /// with the instance's keys. `None` without the demo data.
    #[must_use]
    pub fn issue_m2m_token(&self, jwt: bool) -> Option<String> {
        let mut s = self.shared.lock();
        s.issue_m2m(
            &self.shared.instance,
            machines::DEMO_MACHINE,
            serde_json::Value::Null,
            None,
            jwt,
        )
        .map(|t| t.token.0.clone())
    }

    /// Issues an opaque OAuth access token (`oat_...`, valid for an hour) of `user_id` for the
    /// OAuth application `client_id`, as Clerk does when it is the identity provider of an OAuth
    /// flow. `POST /oauth_applications/access_tokens/verify` then finds it. The user need not
    /// exist (an OAuth access token outlives no check here).
    #[must_use]
    pub fn issue_oauth_access_token(
        &self,
        user_id: &str,
        client_id: &str,
        scopes: &[&str],
    ) -> String {
        self.issue_oauth(user_id, client_id, scopes, false)
    }

    /// Issues a JWT-format OAuth access token (valid for an hour) of `user_id` for `client_id`:
    /// RS256 with the instance key (verify it with the JWKS), header `typ: at+jwt`, claims
    /// `iss`, `sub`, `client_id`, `scp` (array), `scope` (space separated), `jti` (the token's
    /// `oat_` id), `iat`, `nbf`, `exp`. The verify endpoint finds it too.
    #[must_use]
    pub fn issue_oauth_access_token_jwt(
        &self,
        user_id: &str,
        client_id: &str,
        scopes: &[&str],
    ) -> String {
        self.issue_oauth(user_id, client_id, scopes, true)
    }

    fn issue_oauth(&self, user_id: &str, client_id: &str, scopes: &[&str], jwt: bool) -> String {
        let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self.shared
            .lock()
            .issue_oauth(&self.shared.instance, user_id, client_id, scopes, jwt)
    }

    /// Stops accepting connections, lets open ones finish their request, and waits until the
    /// server has stopped.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.await;
        }
    }

    /// Lets the emulator run after this handle is dropped: until the process exits (for
    /// [`start_on_thread`](EmulatorBuilder::start_on_thread)) or the Tokio runtime ends (for
    /// [`start`](EmulatorBuilder::start)). For apps that start it once at launch.
    pub fn detach(mut self) {
        self.detached = true;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if !self.detached {
            self.stop.send_replace(true);
        }
    }
}
