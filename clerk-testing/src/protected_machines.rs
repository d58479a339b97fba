//! The shared cases of routes served to machines: `#[clerk_protected(token = [...], scopes =
//! [...])]` and the `ClerkCaller` / `ClerkMachine` extractors. An application that serves the
//! routes below ([`machine_routes!`](crate::machine_routes) defines them for frameworks with
//! route attributes) behind the integration's middleware, configured with
//! [`Fixture::config`], must answer every [`CASES`] entry; configured with
//! [`Fixture::session_only_config`] (which verifies no machine token), every route that accepts
//! one must answer `500` ([`replay_not_configured`]).
//!
//! | route | handler |
//! |---|---|
//! | `GET /machines/api-keys` | `token = ["api_key"]` |
//! | `GET /machines/import` | `token = ["api_key", "m2m_token"], scopes = ["write"]` |
//! | `GET /machines/peers` | `token = ["m2m_token"], scopes = ["mch_demo"]` (an M2M token's scopes are the machines it may call) |
//! | `GET /machines/users-or-oauth` | `token = ["session_token", "oauth_token"]` |
//! | `GET /machines/reports` | `token = ["session_token", "oauth_token"], scopes = ["reports:read"]` (users are not asked for scopes) |
//! | `GET /machines/caller` | `ClerkCaller`: `user <user id>` or `<token type> <subject>` |
//! | `GET /machines/machine` | `ClerkMachine`: `<token type> <subject>` |
//! | `GET /machines/optional-machine` | `Option<ClerkMachine>`: `none` or `<token type> <subject>` |
//!
//! Every `#[clerk_protected]` route answers the last segment of its path.
//!
//! The emulator's instance is a development one: a signed-out request to a route that admits
//! users fails with `dev-browser-missing`.
//!
//! The tokens are real: the [`Emulator`] issues the API keys, M2M tokens and OAuth access
//! tokens and verifies the opaque ones over HTTP on 127.0.0.1; the session token is signed
//! with the emulator's instance key.

use clerk_core::{AcceptsToken, AuthProtocol, ClerkConfig};

use crate::Emulator;

/// Who calls, with which token in `Authorization: Bearer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No `Authorization` header.
    SignedOut,
    /// A session token of `user_1`.
    User,
    /// An API key of `user_admin` with the scopes `read` and `write`.
    ApiKeyWriter,
    /// An API key of `user_reader` with the scope `read`.
    ApiKeyReader,
    /// An API key the instance never issued (`ak_` and 40 characters).
    UnknownApiKey,
    /// An opaque M2M token of the machine `mch_demo` (scopes: `mch_demo`).
    M2m,
    /// A JWT-format M2M token of `mch_demo`.
    M2mJwt,
    /// An opaque OAuth access token of `user_1` with the scope `reports:read`.
    OauthReports,
    /// A JWT-format OAuth access token of `user_1` with the scope `profile`.
    OauthJwtProfile,
}

/// How a case must be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `200` with this body.
    Allowed(&'static str),
    /// `401`, `www-authenticate: Bearer`, `{"error":"unauthenticated","reason":<reason>}`.
    Unauthenticated(&'static str),
    /// `403` `{"error":"forbidden"}`.
    Forbidden,
}

/// `(path, caller, expected answer)`, every one a `GET`.
pub const CASES: &[(&str, Caller, Expect)] = {
    use Caller::*;
    use Expect::{Allowed, Forbidden, Unauthenticated};
    const MISMATCH: Expect = Unauthenticated("token-type-mismatch");
    &[
        // one machine type: anything else is a mismatch, an unknown key is invalid
        ("/machines/api-keys", ApiKeyReader, Allowed("api-keys")),
        ("/machines/api-keys", ApiKeyWriter, Allowed("api-keys")),
        ("/machines/api-keys", SignedOut, MISMATCH),
        ("/machines/api-keys", User, MISMATCH),
        ("/machines/api-keys", M2m, MISMATCH),
        ("/machines/api-keys", OauthReports, MISMATCH),
        (
            "/machines/api-keys",
            UnknownApiKey,
            Unauthenticated("token-invalid"),
        ),
        // two machine types and a scope they must carry
        ("/machines/import", ApiKeyWriter, Allowed("import")),
        ("/machines/import", ApiKeyReader, Forbidden),
        ("/machines/import", M2m, Forbidden),
        ("/machines/import", M2mJwt, Forbidden),
        ("/machines/import", User, MISMATCH),
        ("/machines/import", OauthReports, MISMATCH),
        ("/machines/import", SignedOut, MISMATCH),
        // M2M tokens, opaque and JWT, scoped to the machines they may call
        ("/machines/peers", M2m, Allowed("peers")),
        ("/machines/peers", M2mJwt, Allowed("peers")),
        ("/machines/peers", ApiKeyWriter, MISMATCH),
        // users and OAuth applications acting for them
        ("/machines/users-or-oauth", User, Allowed("users-or-oauth")),
        (
            "/machines/users-or-oauth",
            OauthReports,
            Allowed("users-or-oauth"),
        ),
        (
            "/machines/users-or-oauth",
            OauthJwtProfile,
            Allowed("users-or-oauth"),
        ),
        ("/machines/users-or-oauth", ApiKeyWriter, MISMATCH),
        ("/machines/users-or-oauth", M2mJwt, MISMATCH),
        (
            "/machines/users-or-oauth",
            SignedOut,
            Unauthenticated("dev-browser-missing"),
        ),
        // scopes bind the OAuth token, not the user
        ("/machines/reports", OauthReports, Allowed("reports")),
        ("/machines/reports", OauthJwtProfile, Forbidden),
        ("/machines/reports", User, Allowed("reports")),
        // the extractors
        ("/machines/caller", User, Allowed("user user_1")),
        (
            "/machines/caller",
            ApiKeyWriter,
            Allowed("api_key user_admin"),
        ),
        ("/machines/caller", M2m, Allowed("m2m_token mch_demo")),
        (
            "/machines/caller",
            OauthJwtProfile,
            Allowed("oauth_token user_1"),
        ),
        (
            "/machines/caller",
            SignedOut,
            Unauthenticated("dev-browser-missing"),
        ),
        (
            "/machines/caller",
            UnknownApiKey,
            Unauthenticated("token-invalid"),
        ),
        (
            "/machines/machine",
            OauthReports,
            Allowed("oauth_token user_1"),
        ),
        ("/machines/machine", M2mJwt, Allowed("m2m_token mch_demo")),
        ("/machines/machine", User, MISMATCH),
        ("/machines/machine", SignedOut, MISMATCH),
        ("/machines/optional-machine", SignedOut, Allowed("none")),
        ("/machines/optional-machine", User, Allowed("none")),
        (
            "/machines/optional-machine",
            ApiKeyReader,
            Allowed("api_key user_reader"),
        ),
    ]
};

/// The routes that accept a machine token: with [`Fixture::session_only_config`] each answers
/// `500` `clerk_not_configured` to every caller.
pub const NOT_CONFIGURED: &[&str] = &[
    "/machines/api-keys",
    "/machines/import",
    "/machines/peers",
    "/machines/users-or-oauth",
    "/machines/reports",
];

/// An emulator and the tokens of every [`Caller`].
#[derive(Debug)]
pub struct Fixture {
    emulator: Emulator,
    tokens: Vec<(Caller, String)>,
}

impl Fixture {
    /// Starts an emulator (on its own thread, so any runtime can call it) and has it issue the
    /// callers' tokens.
    ///
    /// # Panics
    ///
    /// When the emulator cannot start (no free port on 127.0.0.1).
    #[must_use]
    pub fn start() -> Self {
        let emulator = Emulator::builder()
            .start_on_thread()
            .expect("the emulator starts on 127.0.0.1");
        let user = emulator.instance().token().user_id("user_1").sign();
        let writer = emulator
            .demo_api_key()
            .expect("the demo data has an API key");
        let reader = emulator.issue_api_key("user_reader", &["read"]);
        let unknown = format!("ak_{}", "0123456789".repeat(4));
        let m2m = emulator.issue_m2m_token(false).expect("the demo machine");
        let m2m_jwt = emulator.issue_m2m_token(true).expect("the demo machine");
        let reports =
            emulator.issue_oauth_access_token("user_1", "client_reports", &["reports:read"]);
        let profile =
            emulator.issue_oauth_access_token_jwt("user_1", "client_profile", &["profile"]);
        let tokens = vec![
            (Caller::User, user),
            (Caller::ApiKeyWriter, writer),
            (Caller::ApiKeyReader, reader),
            (Caller::UnknownApiKey, unknown),
            (Caller::M2m, m2m),
            (Caller::M2mJwt, m2m_jwt),
            (Caller::OauthReports, reports),
            (Caller::OauthJwtProfile, profile),
        ];
        Self { emulator, tokens }
    }

    /// The emulator.
    #[must_use]
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// `caller`'s token (`None` when signed out).
    #[must_use]
    pub fn token(&self, caller: Caller) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(c, _)| *c == caller)
            .map(|(_, token)| token.as_str())
    }

    /// The handshake configuration of the emulator's instance, accepting every token type.
    ///
    /// # Panics
    ///
    /// Never in practice: the emulator's configuration is valid.
    #[must_use]
    pub fn config(&self) -> ClerkConfig {
        self.emulator
            .config_builder_for(AuthProtocol::Handshake)
            .accepts_token(AcceptsToken::Any)
            .build()
            .expect("the emulator's configuration is valid")
    }

    /// The same configuration verifying session tokens only (the default), under which the
    /// routes of [`NOT_CONFIGURED`] can never admit their machine callers.
    ///
    /// # Panics
    ///
    /// Never in practice: the emulator's configuration is valid.
    #[must_use]
    pub fn session_only_config(&self) -> ClerkConfig {
        self.emulator
            .config_builder_for(AuthProtocol::Handshake)
            .build()
            .expect("the emulator's configuration is valid")
    }
}

/// Sends every case of [`CASES`] to the application at `base` (`http://host:port`, serving
/// with [`Fixture::config`]) over a real socket, and checks the status, the body and
/// `www-authenticate`.
///
/// # Errors
///
/// Every failed case, one per line.
pub async fn replay(base: &str, fixture: &Fixture) -> Result<(), String> {
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for &(path, caller, expected) in CASES {
        let case = format!("GET {path} as {caller:?}, expecting {expected:?}");
        let (status, www, body) = match get(&client, base, path, fixture.token(caller)).await {
            Ok(answer) => answer,
            Err(e) => {
                failures.push(format!("{case}: {e}"));
                continue;
            }
        };
        let ok = match expected {
            Expect::Allowed(want) => status == 200 && body == want,
            Expect::Unauthenticated(reason) => {
                status == 401
                    && www
                    && body == format!(r#"{{"error":"unauthenticated","reason":"{reason}"}}"#)
            }
            Expect::Forbidden => status == 403 && !www && body == r#"{"error":"forbidden"}"#,
        };
        if !ok {
            failures.push(format!(
                "{case}: {status}, www-authenticate {www}, body {body}"
            ));
        }
    }
    outcome(failures, CASES.len())
}

/// Sends every route of [`NOT_CONFIGURED`] to the application at `base` (serving with
/// [`Fixture::session_only_config`]) as a user and as an API key, and checks the `500`
/// `clerk_not_configured` answer that names the fix.
///
/// # Errors
///
/// Every failed case, one per line.
pub async fn replay_not_configured(base: &str, fixture: &Fixture) -> Result<(), String> {
    let client = reqwest::Client::new();
    let fix = clerk_core::integration::UNVERIFIED_TOKEN_TYPE_FIX;
    let want = serde_json::json!({"error": "clerk_not_configured", "message": fix});
    let mut failures = Vec::new();
    for path in NOT_CONFIGURED {
        for caller in [Caller::User, Caller::ApiKeyWriter] {
            let case = format!("GET {path} as {caller:?} under a session-only configuration");
            match get(&client, base, path, fixture.token(caller)).await {
                Ok((500, _, body))
                    if serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .as_ref()
                        == Some(&want) => {}
                Ok((status, _, body)) => failures.push(format!("{case}: {status} {body}")),
                Err(e) => failures.push(format!("{case}: {e}")),
            }
        }
    }
    outcome(failures, NOT_CONFIGURED.len() * 2)
}

/// `GET base+path` with the token as a bearer: `(status, has www-authenticate, body)`.
async fn get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
) -> Result<(u16, bool, String), reqwest::Error> {
    let mut request = client.get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let www = response.headers().contains_key("www-authenticate");
    Ok((status, www, response.text().await?))
}

fn outcome(failures: Vec<String>, total: usize) -> Result<(), String> {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {total} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Defines the handlers of the table above for frameworks with route attributes (actix-web,
/// Rocket): invoke it where `get` (the framework's route attribute), `clerk_protected`,
/// `ClerkCaller` and `ClerkMachine` (the integration's) are in scope.
#[macro_export]
macro_rules! machine_routes {
    () => {
        #[clerk_protected(token = ["api_key"])]
        #[get("/machines/api-keys")]
        pub(crate) async fn api_keys() -> &'static str {
            "api-keys"
        }

        #[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["write"])]
        #[get("/machines/import")]
        pub(crate) async fn import() -> &'static str {
            "import"
        }

        #[clerk_protected(token = ["m2m_token"], scopes = ["mch_demo"])]
        #[get("/machines/peers")]
        pub(crate) async fn peers() -> &'static str {
            "peers"
        }

        #[clerk_protected(token = ["session_token", "oauth_token"])]
        #[get("/machines/users-or-oauth")]
        pub(crate) async fn users_or_oauth() -> &'static str {
            "users-or-oauth"
        }

        #[clerk_protected(token = ["session_token", "oauth_token"], scopes = ["reports:read"])]
        #[get("/machines/reports")]
        pub(crate) async fn reports() -> &'static str {
            "reports"
        }

        // (actix-web's route attribute turns each handler into a unit struct of its name, so
        // no parameter is named after a handler.)
        #[get("/machines/caller")]
        pub(crate) async fn caller(who: ClerkCaller) -> String {
            match who {
                ClerkCaller::User(user) => format!("user {}", user.user_id()),
                ClerkCaller::Machine(token) => {
                    format!("{} {}", token.token_type(), token.subject())
                }
            }
        }

        #[get("/machines/machine")]
        pub(crate) async fn machine(token: ClerkMachine) -> String {
            format!("{} {}", token.token_type(), token.subject())
        }

        #[get("/machines/optional-machine")]
        pub(crate) async fn optional_machine(token: Option<ClerkMachine>) -> String {
            token.map_or_else(
                || "none".to_owned(),
                |m| format!("{} {}", m.token_type(), m.subject()),
            )
        }
    };
}
