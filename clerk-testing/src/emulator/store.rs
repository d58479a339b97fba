//! The in-memory store: users, organizations, memberships, sessions and browser clients, and
//! their rendering in Clerk's JSON shapes (Backend API OpenAPI schemas `User`, `Organization`,
//! `OrganizationMembership`, `Session`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

pub(crate) use super::machines::{ApiKey, M2mToken, Machine, OAuthToken};
pub(crate) use super::records::Records;
use super::webhooks::Outbox;

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A fresh id: `<prefix>_` followed by 27 random alphanumerics, like Clerk's.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_chars(27, ALPHANUMERIC))
}

/// Letters and digits.
pub(crate) const ALPHANUMERIC: &[u8] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Lowercase hexadecimal digits.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

/// `len` random characters of `alphabet` (at most 256 characters long).
pub(crate) fn random_chars(len: usize, alphabet: &[u8]) -> String {
    let mut bytes = vec![0u8; len];
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        // No entropy: fall back to the clock; ids only need to be unique within the store.
        let t = now_ms().to_le_bytes();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = t[i % t.len()].wrapping_add(u8::try_from(i).unwrap_or(0));
        }
    }
    bytes
        .iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect()
}

/// An email address of a user.
#[derive(Debug, Clone)]
pub(crate) struct Email {
    pub(crate) id: String,
    pub(crate) address: String,
    pub(crate) verified: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl Email {
    /// A verified address (what the Backend API creates unless told otherwise).
    pub(crate) fn verified(id: String, address: String, now: i64) -> Self {
        Self {
            id,
            address,
            verified: true,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A phone number of a user.
#[derive(Debug, Clone)]
pub(crate) struct Phone {
    pub(crate) id: String,
    pub(crate) number: String,
    pub(crate) verified: bool,
    pub(crate) reserved_for_second_factor: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl Phone {
    /// A verified number, not reserved for second factor.
    pub(crate) fn verified(id: String, number: String, now: i64) -> Self {
        Self {
            id,
            number,
            verified: true,
            reserved_for_second_factor: false,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The SHA-256 digest of a user's password: enough to check one, and no secret in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PasswordDigest([u8; 32]);

impl std::fmt::Debug for PasswordDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordDigest(***)")
    }
}

impl PasswordDigest {
    pub(crate) fn of(password: &str) -> Self {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, password.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }

    /// Whether `candidate` is the password, compared in constant time.
    pub(crate) fn matches(&self, candidate: &str) -> bool {
        let other = Self::of(candidate);
        self.0
            .iter()
            .zip(other.0)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// A user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) external_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) emails: Vec<Email>,
    pub(crate) primary_email_id: Option<String>,
    pub(crate) phones: Vec<Phone>,
    pub(crate) primary_phone_id: Option<String>,
    pub(crate) public_metadata: Value,
    pub(crate) private_metadata: Value,
    pub(crate) unsafe_metadata: Value,
    pub(crate) password_enabled: bool,
    /// Set by `password` on create or update; the demo users have none.
    pub(crate) password: Option<PasswordDigest>,
    pub(crate) banned: bool,
    pub(crate) locked: bool,
    pub(crate) delete_self_enabled: bool,
    pub(crate) create_organization_enabled: bool,
    pub(crate) create_organizations_limit: Option<i64>,
    pub(crate) last_sign_in_at: Option<i64>,
    pub(crate) last_active_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl User {
    /// A user with only an id and timestamps.
    pub(crate) fn new(id: String, now: i64) -> Self {
        Self {
            id,
            external_id: None,
            first_name: None,
            last_name: None,
            username: None,
            emails: Vec::new(),
            primary_email_id: None,
            phones: Vec::new(),
            primary_phone_id: None,
            public_metadata: json!({}),
            private_metadata: json!({}),
            unsafe_metadata: json!({}),
            password_enabled: false,
            password: None,
            banned: false,
            locked: false,
            delete_self_enabled: true,
            create_organization_enabled: true,
            create_organizations_limit: None,
            last_sign_in_at: None,
            last_active_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// "First Last", or the primary email, or the id.
    pub(crate) fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            name
        } else if let Some(email) = self.primary_email() {
            email.to_owned()
        } else {
            self.id.clone()
        }
    }

    /// The primary email address, if any.
    pub(crate) fn primary_email(&self) -> Option<&str> {
        let id = self.primary_email_id.as_deref()?;
        self.emails
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.address.as_str())
    }

    /// The primary identifier: email, phone or username.
    pub(crate) fn identifier(&self) -> Option<String> {
        self.primary_email().map(str::to_owned).or_else(|| {
            let id = self.primary_phone_id.as_deref()?;
            self.phones
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.number.clone())
                .or_else(|| self.username.clone())
        })
    }
}

/// An organization.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) public_metadata: Value,
    pub(crate) private_metadata: Value,
    pub(crate) max_allowed_memberships: i64,
    pub(crate) admin_delete_enabled: bool,
    pub(crate) created_by: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A user's membership in an organization.
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) org_id: String,
    pub(crate) user_id: String,
    pub(crate) role: String,
    pub(crate) public_metadata: Value,
    pub(crate) private_metadata: Value,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) client_id: String,
    pub(crate) status: String,
    pub(crate) last_active_organization_id: Option<String>,
    pub(crate) last_active_at: i64,
    pub(crate) expire_at: i64,
    pub(crate) abandon_at: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl Session {
    /// Whether the session is `active` and not past its expiry.
    pub(crate) fn is_active(&self, now: i64) -> bool {
        self.status == "active" && self.expire_at > now
    }
}

/// A browser (Clerk "client"), identified by the emulator's cookie.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) last_active_session_id: Option<String>,
    pub(crate) signed_in_at: i64,
    pub(crate) created_at: i64,
}

/// A development browser (`POST /v1/dev_browser`): its token is the `__clerk_db_jwt` value.
#[derive(Debug, Clone)]
pub(crate) struct DevBrowser {
    /// The token (`dvb_...`), opaque to apps and SDKs.
    pub(crate) token: String,
    /// The client it belongs to, once known.
    pub(crate) client_id: Option<String>,
}

/// Cookie directives waiting for the app's `GET /v1/clients/handshake_payload?nonce=`.
#[derive(Debug, Clone)]
pub(crate) struct HandshakeNonce {
    pub(crate) nonce: String,
    pub(crate) directives: Vec<String>,
    pub(crate) created_at: i64,
}

/// The refresh token of a session (the `__refresh_<suffix>` cookie).
#[derive(Debug, Clone)]
pub(crate) struct RefreshToken {
    pub(crate) token: String,
    pub(crate) session_id: String,
}

/// How long an unused handshake nonce stays valid: 5 minutes.
const NONCE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// At most this many dev browsers and pending nonces are kept (oldest dropped first).
const MAX_PENDING: usize = 1000;

/// Session lifetime: 7 days, Clerk's default.
const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// Everything the emulator knows.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) users: Vec<User>,
    pub(crate) orgs: Vec<Org>,
    pub(crate) memberships: Vec<Membership>,
    pub(crate) sessions: Vec<Session>,
    pub(crate) clients: Vec<Client>,
    pub(crate) dev_browsers: Vec<DevBrowser>,
    pub(crate) nonces: Vec<HandshakeNonce>,
    pub(crate) refresh_tokens: Vec<RefreshToken>,
    pub(crate) machines: Vec<Machine>,
    pub(crate) api_keys: Vec<ApiKey>,
    pub(crate) m2m_tokens: Vec<M2mToken>,
    pub(crate) oauth_tokens: Vec<OAuthToken>,
    /// Instance data: allowlist, blocklist, redirect URLs, JWT templates, sign-in tokens and
    /// invitations (records.rs).
    pub(crate) records: Records,
    /// Where changes are reported as webhook events; `None` when no webhook is configured (and
    /// while the demo data is seeded).
    pub(crate) webhooks: Option<Outbox>,
    last_ts: i64,
}

/// The permissions of a role. `org:admin` and `org:member` are the demo instance's roles; any
/// other `org:` role is accepted with no permissions.
pub(crate) fn role_permissions(role: &str) -> &'static [&'static str] {
    match role {
        "org:admin" => &[
            "org:sys_profile:manage",
            "org:sys_profile:delete",
            "org:sys_memberships:read",
            "org:sys_memberships:manage",
            "org:sys_domains:read",
            "org:sys_domains:manage",
            "org:invoices:read",
            "org:invoices:write",
        ],
        "org:member" => &["org:sys_memberships:read", "org:invoices:read"],
        _ => &[],
    }
}

pub(crate) fn role_name(role: &str) -> String {
    let key = role.strip_prefix("org:").unwrap_or(role);
    let mut chars = key.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The organization claims of a session token: id, role, slug and the role's permissions
/// without system permissions (`org:sys_*`), as Clerk puts them in session tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgClaims {
    pub(crate) id: String,
    pub(crate) role: String,
    pub(crate) slug: String,
    pub(crate) permissions: Vec<String>,
}

impl State {
    /// A timestamp strictly after the previous one, so creation order is total.
    pub(crate) fn tick(&mut self) -> i64 {
        let now = now_ms().max(self.last_ts + 1);
        self.last_ts = now;
        now
    }

    /// The demo data: organization `org_demo` (slug `acme`), `user_admin` (Ada Admin,
    /// `org:admin`), `user_member` (Max Member, `org:member`) and `user_solo` (Sam Solo, no
    /// organization).
    pub(crate) fn seed_demo(&mut self) {
        let people = [
            ("user_admin", "Ada", "Admin", "ada@example.com", "idn_ada"),
            ("user_member", "Max", "Member", "max@example.com", "idn_max"),
            ("user_solo", "Sam", "Solo", "sam@example.com", "idn_sam"),
        ];
        for (id, first, last, email, email_id) in people {
            let now = self.tick();
            let mut user = User::new(id.to_owned(), now);
            user.first_name = Some(first.to_owned());
            user.last_name = Some(last.to_owned());
            user.emails
                .push(Email::verified(email_id.to_owned(), email.to_owned(), now));
            user.primary_email_id = Some(email_id.to_owned());
            user.password_enabled = true;
            self.users.push(user);
        }
        let now = self.tick();
        self.orgs.push(Org {
            id: "org_demo".into(),
            name: "Acme Inc.".into(),
            slug: "acme".into(),
            public_metadata: json!({}),
            private_metadata: json!({}),
            max_allowed_memberships: 0,
            admin_delete_enabled: true,
            created_by: Some("user_admin".into()),
            created_at: now,
            updated_at: now,
        });
        for (id, user, role) in [
            ("orgmem_admin", "user_admin", "org:admin"),
            ("orgmem_member", "user_member", "org:member"),
        ] {
            let now = self.tick();
            self.memberships.push(Membership {
                id: id.into(),
                org_id: "org_demo".into(),
                user_id: user.into(),
                role: role.into(),
                public_metadata: json!({}),
                private_metadata: json!({}),
                created_at: now,
                updated_at: now,
            });
        }
        self.seed_demo_machines();
        self.seed_demo_records();
    }

    pub(crate) fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub(crate) fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// By id, or by slug.
    pub(crate) fn org(&self, id_or_slug: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.id == id_or_slug)
            .or_else(|| self.orgs.iter().find(|o| o.slug == id_or_slug))
    }

    pub(crate) fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    pub(crate) fn membership(&self, org_id: &str, user_id: &str) -> Option<&Membership> {
        self.memberships
            .iter()
            .find(|m| m.org_id == org_id && m.user_id == user_id)
    }

    /// Whether an email address already belongs to a user (other than `except`).
    pub(crate) fn email_taken(&self, address: &str, except: Option<&str>) -> bool {
        self.users.iter().any(|u| {
            Some(u.id.as_str()) != except
                && u.emails
                    .iter()
                    .any(|e| e.address.eq_ignore_ascii_case(address))
        })
    }

    /// Whether a username already belongs to a user (other than `except`).
    pub(crate) fn username_taken(&self, username: &str, except: Option<&str>) -> bool {
        self.users.iter().any(|u| {
            Some(u.id.as_str()) != except
                && u.username
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(username))
        })
    }

    /// Queues a webhook event (`data` as the Backend API renders it) when webhooks are on.
    pub(crate) fn emit(&mut self, event_type: &str, data: Value) {
        if let Some(outbox) = self.webhooks.as_mut() {
            outbox.push(event_type, data);
        }
    }

    /// Whether changes are reported as webhook events: callers skip rendering otherwise.
    pub(crate) fn emits(&self) -> bool {
        self.webhooks.is_some()
    }

    /// Removes a user with their memberships and sessions. The events come children first:
    /// `organizationMembership.deleted` for each membership, `session.removed` for each active
    /// session, then `user.deleted`.
    pub(crate) fn delete_user(&mut self, id: &str) -> bool {
        if self.user(id).is_none() {
            return false;
        }
        if self.emits() {
            let now = now_ms();
            let mut events: Vec<(&str, Value)> = self
                .memberships
                .iter()
                .filter(|m| m.user_id == id)
                .map(|m| ("organizationMembership.deleted", self.membership_json(m)))
                .collect();
            for session in self.sessions.iter().filter(|s| s.user_id == id) {
                if session.is_active(now) {
                    let mut data = self.session_event_json(session);
                    data["status"] = json!("removed");
                    events.push(("session.removed", data));
                }
            }
            events.push(("user.deleted", deleted_json("user", id)));
            for (event_type, data) in events {
                self.emit(event_type, data);
            }
        }
        self.users.retain(|u| u.id != id);
        self.memberships.retain(|m| m.user_id != id);
        self.sessions.retain(|s| s.user_id != id);
        true
    }

    /// Removes an organization with its memberships (`organizationMembership.deleted` each,
    /// then `organization.deleted`); sessions forget it as their active one.
    pub(crate) fn delete_org(&mut self, id: &str) {
        if self.emits() {
            let events: Vec<Value> = self
                .memberships
                .iter()
                .filter(|m| m.org_id == id)
                .map(|m| self.membership_json(m))
                .collect();
            let deleted = self.org(id).map(deleted_org_json);
            for data in events {
                self.emit("organizationMembership.deleted", data);
            }
            if let Some(deleted) = deleted {
                self.emit("organization.deleted", deleted);
            }
        }
        self.orgs.retain(|o| o.id != id);
        self.memberships.retain(|m| m.org_id != id);
        for s in &mut self.sessions {
            if s.last_active_organization_id.as_deref() == Some(id) {
                s.last_active_organization_id = None;
            }
        }
    }

    /// Starts a session for `user_id` on `client_id` (creating the client when it is unknown),
    /// with the user's first organization active. An earlier active session of that client
    /// ends (single-session mode). Returns the session id, or `None` for an unknown user.
    pub(crate) fn sign_in(&mut self, user_id: &str, client_id: &str) -> Option<String> {
        self.user(user_id)?;
        let now = self.tick();
        let org = self
            .memberships
            .iter()
            .find(|m| m.user_id == user_id)
            .map(|m| m.org_id.clone());
        if let Some(client) = self.clients.iter().find(|c| c.id == client_id)
            && let Some(previous) = client.last_active_session_id.clone()
        {
            self.end_session(&previous, "ended");
        }
        let id = new_id("sess");
        self.sessions.push(Session {
            id: id.clone(),
            user_id: user_id.to_owned(),
            client_id: client_id.to_owned(),
            status: "active".into(),
            last_active_organization_id: org,
            last_active_at: now,
            expire_at: now.saturating_add(SESSION_LIFETIME_MS),
            abandon_at: now.saturating_add(SESSION_LIFETIME_MS * 4),
            created_at: now,
            updated_at: now,
        });
        match self.clients.iter_mut().find(|c| c.id == client_id) {
            Some(client) => {
                client.last_active_session_id = Some(id.clone());
                client.signed_in_at = now;
            }
            None => self.clients.push(Client {
                id: client_id.to_owned(),
                last_active_session_id: Some(id.clone()),
                signed_in_at: now,
                created_at: now,
            }),
        }
        if let Some(user) = self.user_mut(user_id) {
            user.last_sign_in_at = Some(now);
            user.last_active_at = Some(now);
            user.updated_at = now;
        }
        if self.emits()
            && let Some(session) = self.session(&id)
        {
            let data = self.session_event_json(session);
            self.emit("session.created", data);
        }
        Some(id)
    }

    /// Sets a session's status (`ended`, `revoked`, ...) when it is active, with the event of
    /// that name (`session.ended`, `session.revoked`). Returns whether it exists.
    pub(crate) fn end_session(&mut self, session_id: &str, status: &str) -> bool {
        let now = self.tick();
        let Some(s) = self.sessions.iter_mut().find(|s| s.id == session_id) else {
            return false;
        };
        if s.status != "active" {
            return true;
        }
        s.status = status.to_owned();
        s.updated_at = now;
        if self.emits()
            && let Some(session) = self.session(session_id)
        {
            let data = self.session_event_json(session);
            self.emit(&format!("session.{status}"), data);
        }
        true
    }

    /// The active session of a browser client, if any.
    pub(crate) fn client_session(&self, client_id: &str) -> Option<(&Session, i64)> {
        let client = self.clients.iter().find(|c| c.id == client_id)?;
        let session = self.session(client.last_active_session_id.as_deref()?)?;
        session
            .is_active(now_ms())
            .then_some((session, client.signed_in_at))
    }

    /// A new development browser, bound to `client_id` when given; returns its token.
    pub(crate) fn create_dev_browser(&mut self, client_id: Option<&str>) -> String {
        if self.dev_browsers.len() >= MAX_PENDING {
            self.dev_browsers.remove(0);
        }
        let token = new_id("dvb");
        self.dev_browsers.push(DevBrowser {
            token: token.clone(),
            client_id: client_id.map(str::to_owned),
        });
        token
    }

    /// The development browser with this token.
    pub(crate) fn dev_browser_mut(&mut self, token: &str) -> Option<&mut DevBrowser> {
        self.dev_browsers.iter_mut().find(|d| d.token == token)
    }

    /// Stores handshake directives under a fresh nonce; returns the nonce.
    pub(crate) fn store_nonce(&mut self, directives: Vec<String>) -> String {
        let now = self.tick();
        self.nonces
            .retain(|n| now.saturating_sub(n.created_at) < NONCE_LIFETIME_MS);
        if self.nonces.len() >= MAX_PENDING {
            self.nonces.remove(0);
        }
        let nonce = new_id("nonce");
        self.nonces.push(HandshakeNonce {
            nonce: nonce.clone(),
            directives,
            created_at: now,
        });
        nonce
    }

    /// The directives stored under `nonce`, removed (a nonce is single-use); `None` when it is
    /// unknown, used or older than 5 minutes.
    pub(crate) fn take_nonce(&mut self, nonce: &str) -> Option<Vec<String>> {
        let now = now_ms();
        let i = self.nonces.iter().position(|n| n.nonce == nonce)?;
        let entry = self.nonces.remove(i);
        (now.saturating_sub(entry.created_at) < NONCE_LIFETIME_MS).then_some(entry.directives)
    }

    /// The refresh token of a session, created on first use.
    pub(crate) fn refresh_token_for(&mut self, session_id: &str) -> String {
        if let Some(t) = self
            .refresh_tokens
            .iter()
            .find(|t| t.session_id == session_id)
        {
            return t.token.clone();
        }
        let token = new_id("rt");
        self.refresh_tokens.push(RefreshToken {
            token: token.clone(),
            session_id: session_id.to_owned(),
        });
        token
    }

    /// Whether `token` is the refresh token of `session_id`.
    pub(crate) fn refresh_token_matches(&self, session_id: &str, token: &str) -> bool {
        self.refresh_tokens
            .iter()
            .any(|t| t.session_id == session_id && t.token == token)
    }

    /// Makes `org` (an id or slug; `""` = the personal account) the session's active
    /// organization when the user is a member of it. Returns whether it changed anything.
    pub(crate) fn activate_org(&mut self, session_id: &str, org: &str) -> bool {
        let Some(user_id) = self.session(session_id).map(|s| s.user_id.clone()) else {
            return false;
        };
        let target = if org.is_empty() {
            None
        } else {
            match self.org(org).map(|o| o.id.clone()) {
                Some(id) if self.membership(&id, &user_id).is_some() => Some(id),
                _ => return false,
            }
        };
        let now = self.tick();
        match self.sessions.iter_mut().find(|s| s.id == session_id) {
            Some(s) if s.last_active_organization_id != target => {
                s.last_active_organization_id = target;
                s.updated_at = now;
                true
            }
            _ => false,
        }
    }

    /// The organization claims for a session's active organization (none when the user is no
    /// longer a member).
    pub(crate) fn org_claims(&self, session: &Session) -> Option<OrgClaims> {
        let org_id = session.last_active_organization_id.as_deref()?;
        let org = self.org(org_id)?;
        let m = self.membership(&org.id, &session.user_id)?;
        Some(OrgClaims {
            id: org.id.clone(),
            role: m.role.clone(),
            slug: org.slug.clone(),
            permissions: role_permissions(&m.role)
                .iter()
                .filter(|p| !p.starts_with("org:sys_"))
                .map(|p| (*p).to_owned())
                .collect(),
        })
    }

    // ---- rendering ----------------------------------------------------------------------

    pub(crate) fn user_json(&self, u: &User) -> Value {
        let emails: Vec<Value> = u.emails.iter().map(email_json).collect();
        let phones: Vec<Value> = u.phones.iter().map(phone_json).collect();
        let image = avatar_url(&u.id);
        json!({
            "id": u.id,
            "object": "user",
            "external_id": u.external_id,
            "primary_email_address_id": u.primary_email_id,
            "primary_phone_number_id": u.primary_phone_id,
            "primary_web3_wallet_id": null,
            "username": u.username,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "locale": null,
            "profile_image_url": image,
            "image_url": image,
            "has_image": false,
            "public_metadata": u.public_metadata,
            "private_metadata": u.private_metadata,
            "unsafe_metadata": u.unsafe_metadata,
            "email_addresses": emails,
            "phone_numbers": phones,
            "web3_wallets": [],
            "passkeys": [],
            "password_enabled": u.password_enabled,
            "two_factor_enabled": false,
            "totp_enabled": false,
            "backup_code_enabled": false,
            "mfa_enabled_at": null,
            "mfa_disabled_at": null,
            "password_last_updated_at": null,
            "external_accounts": [],
            "saml_accounts": [],
            "enterprise_accounts": [],
            "last_sign_in_at": u.last_sign_in_at,
            "banned": u.banned,
            "locked": u.locked,
            "deprovisioned": false,
            "lockout_expires_in_seconds": null,
            "verification_attempts_remaining": null,
            "updated_at": u.updated_at,
            "created_at": u.created_at,
            "delete_self_enabled": u.delete_self_enabled,
            "create_organization_enabled": u.create_organization_enabled,
            "create_organizations_limit": u.create_organizations_limit,
            "last_active_at": u.last_active_at,
            "legal_accepted_at": null,
            "bypass_client_trust": false,
        })
    }

    pub(crate) fn members_count(&self, org_id: &str) -> usize {
        self.memberships
            .iter()
            .filter(|m| m.org_id == org_id)
            .count()
    }

    pub(crate) fn org_json(&self, o: &Org, include_members_count: bool) -> Value {
        let mut v = json!({
            "object": "organization",
            "id": o.id,
            "name": o.name,
            "slug": o.slug,
            "image_url": avatar_url(&o.id),
            "has_image": false,
            "max_allowed_memberships": o.max_allowed_memberships,
            "admin_delete_enabled": o.admin_delete_enabled,
            "public_metadata": o.public_metadata,
            "private_metadata": o.private_metadata,
            "created_at": o.created_at,
            "updated_at": o.updated_at,
            "role_set_key": null,
            "pending_invitations_count": 0,
        });
        if let (Some(created_by), Some(map)) = (&o.created_by, v.as_object_mut()) {
            map.insert("created_by".into(), json!(created_by));
        }
        if include_members_count && let Some(map) = v.as_object_mut() {
            map.insert("members_count".into(), json!(self.members_count(&o.id)));
        }
        v
    }

    pub(crate) fn membership_json(&self, m: &Membership) -> Value {
        let org = self
            .org(&m.org_id)
            .map_or(Value::Null, |o| self.org_json(o, false));
        let user = self.user(&m.user_id);
        let image = avatar_url(&m.user_id);
        json!({
            "id": m.id,
            "object": "organization_membership",
            "role": m.role,
            "role_name": role_name(&m.role),
            "permissions": role_permissions(&m.role),
            "public_metadata": m.public_metadata,
            "private_metadata": m.private_metadata,
            "organization": org,
            "public_user_data": {
                "user_id": m.user_id,
                "first_name": user.and_then(|u| u.first_name.clone()),
                "last_name": user.and_then(|u| u.last_name.clone()),
                "profile_image_url": image,
                "image_url": image,
                "has_image": false,
                "identifier": user.and_then(User::identifier),
                "username": user.and_then(|u| u.username.clone()),
                "banned": user.is_some_and(|u| u.banned),
                "deprovisioned": false,
            },
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        })
    }

    /// The `data` of a `session.*` event: the session as the Backend API renders it, with its
    /// `user`.
    pub(crate) fn session_event_json(&self, s: &Session) -> Value {
        let mut data = self.session_json(s);
        if let Some(map) = data.as_object_mut() {
            let user = self
                .user(&s.user_id)
                .map_or(Value::Null, |u| self.user_json(u));
            map.insert("user".into(), user);
        }
        data
    }

    pub(crate) fn session_json(&self, s: &Session) -> Value {
        let status = if s.status == "active" && s.expire_at <= now_ms() {
            "expired"
        } else {
            s.status.as_str()
        };
        json!({
            "object": "session",
            "id": s.id,
            "user_id": s.user_id,
            "client_id": s.client_id,
            "actor": null,
            "status": status,
            "last_active_organization_id": s.last_active_organization_id,
            "last_active_at": s.last_active_at,
            "latest_activity": null,
            "expire_at": s.expire_at,
            "abandon_at": s.abandon_at,
            "updated_at": s.updated_at,
            "created_at": s.created_at,
            "tasks": null,
        })
    }
}

/// An admin verification (`verified`), or an unverified code verification of `strategy`
/// (`email_code`, `phone_code`), as Clerk shows an identification nobody has verified yet.
fn verification_json(verified: bool, strategy: &str) -> Value {
    if verified {
        json!({
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
        })
    } else {
        json!({
            "object": "verification_otp",
            "status": "unverified",
            "strategy": strategy,
            "attempts": null,
            "expire_at": null,
        })
    }
}

/// An email address as the Backend API renders it (`EmailAddress`).
pub(crate) fn email_json(e: &Email) -> Value {
    json!({
        "id": e.id,
        "object": "email_address",
        "email_address": e.address,
        "reserved": false,
        "verification": verification_json(e.verified, "email_code"),
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    })
}

/// A phone number as the Backend API renders it (`PhoneNumber`).
pub(crate) fn phone_json(p: &Phone) -> Value {
    json!({
        "id": p.id,
        "object": "phone_number",
        "phone_number": p.number,
        "reserved_for_second_factor": p.reserved_for_second_factor,
        "default_second_factor": false,
        "reserved": false,
        "verification": verification_json(p.verified, "phone_code"),
        "linked_to": [],
        "backup_codes": null,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

/// What the Backend API answers for a deleted resource, and the `data` of its `*.deleted` event.
pub(crate) fn deleted_json(object: &str, id: &str) -> Value {
    json!({"object": object, "id": id, "deleted": true})
}

/// A deleted organization, with its slug (as `DELETE /v1/organizations/{id}` answers).
pub(crate) fn deleted_org_json(o: &Org) -> Value {
    json!({"object": "organization", "id": o.id, "slug": o.slug, "deleted": true})
}

/// A placeholder image URL (never fetched by the emulator).
pub(crate) fn avatar_url(id: &str) -> String {
    format!("https://img.clerk.com/emulator/{id}.png")
}

/// Deep-merges `patch` into `target` (Clerk's metadata merge): objects merge recursively, a
/// `null` value removes the key, anything else replaces.
pub(crate) fn merge_metadata(target: &mut Value, patch: &Value) {
    let Some(patch) = patch.as_object() else {
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(map) = target.as_object_mut() else {
        return;
    };
    for (k, v) in patch {
        match v {
            Value::Null => {
                map.remove(k);
            }
            Value::Object(_) => {
                let entry = map.entry(k.clone()).or_insert_with(|| json!({}));
                merge_metadata(entry, v);
            }
            other => {
                map.insert(k.clone(), other.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_deep_and_null_removes() {
        let mut t = json!({"a": 1, "b": {"c": 1, "d": 2}, "e": 5});
        merge_metadata(
            &mut t,
            &json!({"b": {"c": 9, "d": null}, "e": null, "f": [1]}),
        );
        assert_eq!(t, json!({"a": 1, "b": {"c": 9}, "f": [1]}));
    }

    #[test]
    fn demo_data_and_org_claims() {
        let mut s = State::default();
        s.seed_demo();
        let sid = s.sign_in("user_admin", "client_1").unwrap();
        let session = s.session(&sid).unwrap().clone();
        let claims = s.org_claims(&session).unwrap();
        assert_eq!(claims.role, "org:admin");
        assert_eq!(claims.slug, "acme");
        assert_eq!(
            claims.permissions,
            ["org:invoices:read", "org:invoices:write"]
        );
        let sid2 = s.sign_in("user_member", "client_1").unwrap();
        assert_eq!(s.session(&sid).unwrap().status, "ended");
        let (active, _) = s.client_session("client_1").unwrap();
        assert_eq!(active.id, sid2);
        assert_eq!(
            s.org_claims(active).unwrap().permissions,
            ["org:invoices:read"]
        );
        let solo = s.sign_in("user_solo", "client_2").unwrap();
        assert_eq!(s.org_claims(s.session(&solo).unwrap()), None);
        assert!(s.sign_in("user_nobody", "client_3").is_none());
        assert!(new_id("user").starts_with("user_"));
        assert_eq!(new_id("x").len(), 29);
    }
}
