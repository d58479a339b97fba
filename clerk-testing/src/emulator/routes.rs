//! Routing, `ClerkErrors` bodies and the Backend API subset (`/v1/...`, Bearer secret key).

use std::cmp::Ordering;
use std::time::Duration;

use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use super::server::{Req, Resp, Shared, json};
use super::store::{self, Membership, Org, Session, State, User, merge_metadata, new_id};
use super::{script, signin};

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

    fn param(mut self, name: &str) -> Self {
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

    fn missing(param: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "missing parameter",
            format!("{param} must be included."),
        )
        .param(param)
    }

    fn invalid(param: &str, long: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "is invalid",
            long,
        )
        .param(param)
    }

    fn taken(param: &str, long: impl Into<String>) -> Self {
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

// ---- routing --------------------------------------------------------------------------------

/// The decoded path segments (empty segments dropped); `None` when one is not UTF-8.
fn segments(path: &str) -> Option<Vec<String>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

/// Routes one request.
pub(crate) fn dispatch(shared: &Shared, req: &Req) -> Resp {
    let Some(segments) = segments(&req.path) else {
        return error_response(&ApiError::not_found());
    };
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let get = req.method == Method::GET || req.method == Method::HEAD;
    let post = req.method == Method::POST;
    match segs.as_slice() {
        [] if get => signin::home(shared, req),
        ["sign-in"] if get => signin::page(shared, req),
        ["sign-in"] if post => signin::submit(shared, req),
        ["sign-out"] if get || post => signin::sign_out(shared, req),
        ["npm", "@clerk", package, "dist", "clerk.browser.js"]
            if get && package.starts_with("clerk-js@") =>
        {
            script::serve_script(shared, req)
        }
        [".well-known", "jwks.json"] if get => json(StatusCode::OK, &shared.instance.jwks()),
        ["v1", "client", rest @ ..] => script::client_api(shared, req, rest),
        ["v1", rest @ ..] => {
            match authorize(shared, req).and_then(|()| backend_api(shared, req, rest)) {
                Ok((status, body)) => json(status, &body),
                Err(e) => error_response(&e),
            }
        }
        _ => error_response(&ApiError::not_found()),
    }
}

/// `Authorization: Bearer <secret key>`.
fn authorize(shared: &Shared, req: &Req) -> Result<(), ApiError> {
    let Some(header) = req.header("authorization") else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authorization_header_missing",
            "Authorization header missing",
            "You need to send an Authorization header with a Bearer secret key.",
        ));
    };
    let token = header
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .and_then(|_| header.get(7..))
        .map(str::trim);
    if token == Some(shared.instance.secret_key()) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "clerk_key_invalid",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        ))
    }
}

type Answer = Result<(StatusCode, Value), ApiError>;

fn ok(v: Value) -> Answer {
    Ok((StatusCode::OK, v))
}

fn backend_api(shared: &Shared, req: &Req, path: &[&str]) -> Answer {
    use Method as M;
    let q = Query(req.query_pairs());
    let method = if req.method == M::HEAD {
        M::GET
    } else {
        req.method.clone()
    };
    match (method, path) {
        (M::GET, ["jwks"]) => ok(shared.instance.jwks()),
        // users
        (M::GET, ["users"]) => users_list(shared, &q),
        (M::GET, ["users", "count"]) => users_count(shared, &q),
        (M::POST, ["users"]) => users_create(shared, &Body::parse(req)?),
        (M::GET, ["users", id]) => {
            let s = shared.lock();
            ok(s.user_json(user(&s, id)?))
        }
        (M::PATCH, ["users", id]) => users_update(shared, id, &Body::parse(req)?),
        (M::PATCH, ["users", id, "metadata"]) => users_metadata(shared, id, &Body::parse(req)?),
        (M::DELETE, ["users", id]) => {
            let mut s = shared.lock();
            if !s.delete_user(id) {
                return Err(ApiError::not_found());
            }
            ok(json!({"object": "user", "id": id, "deleted": true}))
        }
        (M::GET, ["users", id, "organization_memberships"]) => {
            let s = shared.lock();
            user(&s, id)?;
            let all: Vec<&Membership> = s.memberships.iter().filter(|m| m.user_id == *id).collect();
            let (limit, offset) = q.paging()?;
            ok(data_page(&all, limit, offset, |m| s.membership_json(m)))
        }
        // sessions
        (M::GET, ["sessions"]) => sessions_list(shared, &q),
        (M::POST, ["sessions"]) => {
            let body = Body::parse(req)?;
            let user_id = body.required_string("user_id")?;
            let mut s = shared.lock();
            let id = s
                .sign_in(&user_id, &new_id("client"))
                .ok_or_else(ApiError::not_found)?;
            ok(s.session_json(session(&s, &id)?))
        }
        (M::GET, ["sessions", id]) => {
            let s = shared.lock();
            ok(s.session_json(session(&s, id)?))
        }
        (M::POST, ["sessions", id, "revoke"]) => {
            let mut s = shared.lock();
            if !s.end_session(id, "revoked") {
                return Err(ApiError::not_found());
            }
            ok(s.session_json(session(&s, id)?))
        }
        (M::POST, ["sessions", id, "tokens"] | ["sessions", id, "tokens", _]) => {
            let body = Body::parse(req)?;
            let lifetime = match body.int("expires_in_seconds")? {
                Field::Value(n) => Duration::from_secs(
                    u64::try_from(n)
                        .map_err(|_| ApiError::invalid("expires_in_seconds", "must be positive"))?,
                ),
                Field::Absent | Field::Null => shared.token_lifetime,
            };
            let s = shared.lock();
            let session = session(&s, id)?;
            let jwt = session_token(shared, &s, session, lifetime, None)?;
            ok(json!({"object": "token", "jwt": jwt}))
        }
        // organizations
        (M::GET, ["organizations"]) => orgs_list(shared, &q),
        (M::POST, ["organizations"]) => orgs_create(shared, &Body::parse(req)?),
        (M::GET, ["organizations", id]) => {
            let s = shared.lock();
            ok(s.org_json(org(&s, id)?, q.flag("include_members_count")))
        }
        (M::PATCH, ["organizations", id]) => orgs_update(shared, id, &Body::parse(req)?),
        (M::PATCH, ["organizations", id, "metadata"]) => {
            let body = Body::parse(req)?;
            let mut s = shared.lock();
            let now = s.tick();
            let org_id = org(&s, id)?.id.clone();
            let o = s
                .orgs
                .iter_mut()
                .find(|o| o.id == org_id)
                .ok_or_else(ApiError::not_found)?;
            merge_object(&body, "public_metadata", &mut o.public_metadata)?;
            merge_object(&body, "private_metadata", &mut o.private_metadata)?;
            o.updated_at = now;
            ok(s.org_json(org(&s, &org_id)?, false))
        }
        (M::DELETE, ["organizations", id]) => {
            let mut s = shared.lock();
            let o = org(&s, id)?.clone();
            s.delete_org(&o.id);
            ok(json!({"object": "organization", "id": o.id, "slug": o.slug, "deleted": true}))
        }
        // memberships
        (M::GET, ["organizations", id, "memberships"]) => memberships_list(shared, id, &q),
        (M::POST, ["organizations", id, "memberships"]) => {
            memberships_create(shared, id, &Body::parse(req)?)
        }
        (M::PATCH, ["organizations", id, "memberships", user_id]) => {
            let body = Body::parse(req)?;
            let role = body.required_string("role")?;
            check_role(&role)?;
            membership_update(shared, id, user_id, |m| m.role = role)
        }
        (M::PATCH, ["organizations", id, "memberships", user_id, "metadata"]) => {
            let body = Body::parse(req)?;
            let mut result = Ok(());
            let answer = membership_update(shared, id, user_id, |m| {
                result =
                    merge_object(&body, "public_metadata", &mut m.public_metadata).and_then(|()| {
                        merge_object(&body, "private_metadata", &mut m.private_metadata)
                    });
            });
            result.and(answer)
        }
        (M::DELETE, ["organizations", id, "memberships", user_id]) => {
            let mut s = shared.lock();
            let org_id = org(&s, id)?.id.clone();
            let m = s
                .membership(&org_id, user_id)
                .cloned()
                .ok_or_else(ApiError::not_found)?;
            let body = s.membership_json(&m);
            s.memberships.retain(|x| x.id != m.id);
            ok(body)
        }
        _ => Err(ApiError::not_found()),
    }
}

fn user<'a>(s: &'a State, id: &str) -> Result<&'a User, ApiError> {
    s.user(id).ok_or_else(ApiError::not_found)
}

fn org<'a>(s: &'a State, id_or_slug: &str) -> Result<&'a Org, ApiError> {
    s.org(id_or_slug).ok_or_else(ApiError::not_found)
}

fn session<'a>(s: &'a State, id: &str) -> Result<&'a Session, ApiError> {
    s.session(id).ok_or_else(ApiError::not_found)
}

/// A session token for an active session: the user, the session, the active organization's
/// claims, `azp` when given, issued now.
pub(crate) fn session_token(
    shared: &Shared,
    state: &State,
    session: &Session,
    lifetime: Duration,
    authorized_party: Option<&str>,
) -> Result<String, ApiError> {
    if !session.is_active(store::now_ms()) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No active session was found with id {}.", session.id),
        ));
    }
    let mut builder = shared
        .instance
        .token()
        .user_id(session.user_id.clone())
        .session_id(Some(&session.id))
        .lifetime(lifetime);
    if let Some(claims) = state.org_claims(session) {
        builder = builder
            .org_id(claims.id)
            .org_role(claims.role)
            .org_slug(claims.slug)
            .org_permissions(claims.permissions);
    }
    if let Some(azp) = authorized_party {
        builder = builder.authorized_party(azp);
    }
    Ok(builder.sign())
}

// ---- query and body helpers -----------------------------------------------------------------

/// Decoded query pairs.
struct Query(Vec<(String, String)>);

impl Query {
    /// Every value of `key` (also `key[]`).
    fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key || k.strip_suffix("[]") == Some(key))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn first(&self, key: &str) -> Option<&str> {
        self.all(key).into_iter().next()
    }

    fn flag(&self, key: &str) -> bool {
        self.first(key) == Some("true")
    }

    /// `limit` (1..=500, default 10) and `offset` (default 0).
    fn paging(&self) -> Result<(usize, usize), ApiError> {
        let limit = match self.first("limit") {
            None => 10,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", "limit must be between 1 and 500."))?,
        };
        let offset = match self.first("offset") {
            None => 0,
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| ApiError::invalid("offset", "offset must be 0 or more."))?,
        };
        Ok((limit, offset))
    }

    /// `order_by` as (field, descending), default `default`.
    fn order_by<'a>(&'a self, default: &'a str) -> (&'a str, bool) {
        let raw = self.first("order_by").unwrap_or(default);
        match raw.strip_prefix('-') {
            Some(f) => (f, true),
            None => (raw.strip_prefix('+').unwrap_or(raw), false),
        }
    }
}

fn data_page<T>(all: &[T], limit: usize, offset: usize, render: impl Fn(&T) -> Value) -> Value {
    let data: Vec<Value> = all.iter().skip(offset).take(limit).map(render).collect();
    json!({"data": data, "total_count": all.len()})
}

fn page<T>(all: &[T], limit: usize, offset: usize, render: impl Fn(&T) -> Value) -> Value {
    Value::Array(all.iter().skip(offset).take(limit).map(render).collect())
}

/// A body field: left out, `null`, or a value.
enum Field<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// Apply to an optional target: `null` clears, a value sets.
    fn apply(self, target: &mut Option<T>) {
        match self {
            Field::Absent => {}
            Field::Null => *target = None,
            Field::Value(v) => *target = Some(v),
        }
    }
}

/// A JSON object body (an empty body is `{}`).
struct Body(Map<String, Value>);

impl Body {
    fn parse(req: &Req) -> Result<Self, ApiError> {
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice(&req.body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "request_body_invalid",
                "Request body invalid",
                "The request body is not a JSON object.",
            )),
        }
    }

    fn string(&self, key: &str) -> Result<Field<String>, ApiError> {
        match self.0.get(key) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(Value::String(s)) => Ok(Field::Value(s.clone())),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be a string."))),
        }
    }

    fn required_string(&self, key: &str) -> Result<String, ApiError> {
        match self.string(key)? {
            Field::Value(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    /// A string or an array of strings.
    fn strings(&self, key: &str) -> Result<Vec<String>, ApiError> {
        let bad = || ApiError::invalid(key, format!("{key} must be an array of strings."));
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
                .collect(),
            Some(_) => Err(bad()),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be a boolean."))),
        }
    }

    fn int(&self, key: &str) -> Result<Field<i64>, ApiError> {
        match self.0.get(key) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(v) => v
                .as_i64()
                .map(Field::Value)
                .ok_or_else(|| ApiError::invalid(key, format!("{key} must be an integer."))),
        }
    }

    /// A metadata object; `null` means `{}`.
    fn object(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(json!({}))),
            Some(v @ Value::Object(_)) => Ok(Some(v.clone())),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object."))),
        }
    }
}

fn merge_object(body: &Body, key: &str, target: &mut Value) -> Result<(), ApiError> {
    match body.0.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(v @ Value::Object(_)) => {
            merge_metadata(target, v);
            Ok(())
        }
        Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object."))),
    }
}

/// Compare optional values with `None` last.
fn cmp_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn lower(s: Option<&str>) -> Option<String> {
    s.map(str::to_lowercase)
}

fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle))
}

// ---- users ----------------------------------------------------------------------------------

fn user_matches(s: &State, u: &User, q: &Query) -> bool {
    let any = |key: &str, test: &dyn Fn(&str) -> bool| {
        let wanted = q.all(key);
        wanted.is_empty() || wanted.into_iter().any(test)
    };
    any("email_address", &|e| {
        u.emails.iter().any(|x| x.address.eq_ignore_ascii_case(e))
    }) && any("user_id", &|id| u.id == id)
        && any("external_id", &|id| u.external_id.as_deref() == Some(id))
        && any("username", &|n| {
            u.username
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(n))
        })
        && any("phone_number", &|p| u.phones.iter().any(|x| x.number == p))
        && any("organization_id", &|o| s.membership(o, &u.id).is_some())
        && q.first("banned").is_none_or(|b| (b == "true") == u.banned)
        && q.first("query").is_none_or(|needle| {
            let needle = needle.to_lowercase();
            contains_ci(Some(&u.id), &needle)
                || contains_ci(u.first_name.as_deref(), &needle)
                || contains_ci(u.last_name.as_deref(), &needle)
                || contains_ci(Some(&u.display_name()), &needle)
                || contains_ci(u.username.as_deref(), &needle)
                || contains_ci(u.external_id.as_deref(), &needle)
                || u.emails
                    .iter()
                    .any(|e| contains_ci(Some(&e.address), &needle))
                || u.phones
                    .iter()
                    .any(|p| contains_ci(Some(&p.number), &needle))
        })
}

fn filtered_users<'a>(s: &'a State, q: &Query) -> Result<Vec<&'a User>, ApiError> {
    let mut users: Vec<&User> = s.users.iter().filter(|u| user_matches(s, u, q)).collect();
    let (field, descending) = q.order_by("-created_at");
    let cmp: fn(&User, &User) -> Ordering = match field {
        "created_at" => |a, b| a.created_at.cmp(&b.created_at),
        "updated_at" => |a, b| a.updated_at.cmp(&b.updated_at),
        "email_address" => |a, b| cmp_opt(lower(a.primary_email()), lower(b.primary_email())),
        "first_name" => |a, b| {
            cmp_opt(
                lower(a.first_name.as_deref()),
                lower(b.first_name.as_deref()),
            )
        },
        "last_name" => |a, b| cmp_opt(lower(a.last_name.as_deref()), lower(b.last_name.as_deref())),
        "username" => |a, b| cmp_opt(lower(a.username.as_deref()), lower(b.username.as_deref())),
        "phone_number" => |a, b| {
            cmp_opt(
                a.phones.first().map(|p| &p.number),
                b.phones.first().map(|p| &p.number),
            )
        },
        "last_sign_in_at" => |a, b| cmp_opt(a.last_sign_in_at, b.last_sign_in_at),
        "last_active_at" => |a, b| cmp_opt(a.last_active_at, b.last_active_at),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("order_by {field:?} is not supported."),
            ));
        }
    };
    users.sort_by(|a, b| {
        let o = cmp(a, b).then_with(|| a.created_at.cmp(&b.created_at));
        if descending { o.reverse() } else { o }
    });
    Ok(users)
}

fn users_list(shared: &Shared, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let users = filtered_users(&s, q)?;
    ok(page(&users, limit, offset, |u| s.user_json(u)))
}

fn users_count(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let n = filtered_users(&s, q)?.len();
    ok(json!({"object": "total_count", "total_count": n}))
}

fn check_email(address: &str) -> Result<(), ApiError> {
    let valid = address
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "email_address",
            "email_address must be a valid email address.",
        ))
    }
}

fn users_create(shared: &Shared, body: &Body) -> Answer {
    let emails = body.strings("email_address")?;
    let phones = body.strings("phone_number")?;
    let mut s = shared.lock();
    for e in &emails {
        check_email(e)?;
        if s.email_taken(e, None) {
            return Err(ApiError::taken(
                "email_address",
                "That email address is taken. Please try another.",
            ));
        }
    }
    let now = s.tick();
    let mut u = User::new(new_id("user"), now);
    body.string("first_name")?.apply(&mut u.first_name);
    body.string("last_name")?.apply(&mut u.last_name);
    body.string("external_id")?.apply(&mut u.external_id);
    body.string("username")?.apply(&mut u.username);
    if let Some(name) = &u.username
        && s.username_taken(name, None)
    {
        return Err(ApiError::taken(
            "username",
            "That username is taken. Please try another.",
        ));
    }
    for address in emails {
        u.emails.push(store::Email {
            id: new_id("idn"),
            address,
            created_at: now,
        });
    }
    u.primary_email_id = u.emails.first().map(|e| e.id.clone());
    for number in phones {
        u.phones.push(store::Phone {
            id: new_id("idn"),
            number,
            created_at: now,
        });
    }
    u.primary_phone_id = u.phones.first().map(|p| p.id.clone());
    apply_user_settings(&mut u, body)?;
    if let Some(v) = body.bool("banned")? {
        u.banned = v;
    }
    if let Some(v) = body.bool("locked")? {
        u.locked = v;
    }
    let out = s.user_json(&u);
    s.users.push(u);
    ok(out)
}

/// Fields shared by create and update: password, metadata (replaced), flags.
fn apply_user_settings(u: &mut User, body: &Body) -> Result<(), ApiError> {
    if matches!(body.string("password")?, Field::Value(_)) {
        u.password_enabled = true;
    }
    if let Some(v) = body.object("public_metadata")? {
        u.public_metadata = v;
    }
    if let Some(v) = body.object("private_metadata")? {
        u.private_metadata = v;
    }
    if let Some(v) = body.object("unsafe_metadata")? {
        u.unsafe_metadata = v;
    }
    if let Some(v) = body.bool("delete_self_enabled")? {
        u.delete_self_enabled = v;
    }
    if let Some(v) = body.bool("create_organization_enabled")? {
        u.create_organization_enabled = v;
    }
    body.int("create_organizations_limit")?
        .apply(&mut u.create_organizations_limit);
    Ok(())
}

fn users_update(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut u = user(&s, id)?.clone();
    body.string("first_name")?.apply(&mut u.first_name);
    body.string("last_name")?.apply(&mut u.last_name);
    body.string("external_id")?.apply(&mut u.external_id);
    body.string("username")?.apply(&mut u.username);
    if let Some(name) = &u.username
        && s.username_taken(name, Some(id))
    {
        return Err(ApiError::taken(
            "username",
            "That username is taken. Please try another.",
        ));
    }
    if let Field::Value(primary) = body.string("primary_email_address_id")? {
        if !u.emails.iter().any(|e| e.id == primary) {
            return Err(ApiError::invalid(
                "primary_email_address_id",
                "primary_email_address_id must be one of the user's email addresses.",
            ));
        }
        u.primary_email_id = Some(primary);
    }
    apply_user_settings(&mut u, body)?;
    u.updated_at = now;
    let out = s.user_json(&u);
    if let Some(slot) = s.user_mut(id) {
        *slot = u;
    }
    ok(out)
}

fn users_metadata(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut u = user(&s, id)?.clone();
    merge_object(body, "public_metadata", &mut u.public_metadata)?;
    merge_object(body, "private_metadata", &mut u.private_metadata)?;
    merge_object(body, "unsafe_metadata", &mut u.unsafe_metadata)?;
    u.updated_at = now;
    let out = s.user_json(&u);
    if let Some(slot) = s.user_mut(id) {
        *slot = u;
    }
    ok(out)
}

// ---- sessions -------------------------------------------------------------------------------

fn sessions_list(shared: &Shared, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let mut sessions: Vec<(&Session, Value)> = s
        .sessions
        .iter()
        .map(|x| (x, s.session_json(x)))
        .filter(|(x, v)| {
            q.first("user_id").is_none_or(|u| x.user_id == u)
                && q.first("client_id").is_none_or(|c| x.client_id == c)
                && q.first("status").is_none_or(|st| v["status"] == st)
        })
        .collect();
    sessions.sort_by_key(|(x, _)| std::cmp::Reverse(x.created_at));
    ok(page(&sessions, limit, offset, |(_, v)| v.clone()))
}

// ---- organizations --------------------------------------------------------------------------

fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "org".to_owned()
    } else {
        out.to_owned()
    }
}

fn check_slug(s: &State, slug: &str, except: Option<&str>) -> Result<(), ApiError> {
    let shape = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !shape {
        return Err(ApiError::invalid(
            "slug",
            "slug must contain only lowercase letters, digits, - and _.",
        ));
    }
    if s.orgs
        .iter()
        .any(|o| o.slug == slug && Some(o.id.as_str()) != except)
    {
        return Err(ApiError::taken(
            "slug",
            "That slug is taken. Please try another.",
        ));
    }
    Ok(())
}

type OrgOrder<'a> = dyn Fn(&Org, &Org) -> Ordering + 'a;

fn orgs_list(shared: &Shared, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let users = q.all("user_id");
    let ids = q.all("organization_id");
    let needle = q.first("query").map(str::to_lowercase);
    let mut orgs: Vec<&Org> = s
        .orgs
        .iter()
        .filter(|o| {
            (users.is_empty() || users.iter().any(|u| s.membership(&o.id, u).is_some()))
                && (ids.is_empty() || ids.contains(&o.id.as_str()))
                && needle.as_deref().is_none_or(|n| {
                    contains_ci(Some(&o.name), n)
                        || contains_ci(Some(&o.slug), n)
                        || contains_ci(Some(&o.id), n)
                })
        })
        .collect();
    let (field, descending) = q.order_by("-created_at");
    let cmp: Box<OrgOrder<'_>> = match field {
        "created_at" => Box::new(|a, b| a.created_at.cmp(&b.created_at)),
        "name" => Box::new(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase())),
        "members_count" => Box::new(|a, b| s.members_count(&a.id).cmp(&s.members_count(&b.id))),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("order_by {field:?} is not supported."),
            ));
        }
    };
    orgs.sort_by(|a, b| {
        let o = cmp(a, b).then_with(|| a.created_at.cmp(&b.created_at));
        if descending { o.reverse() } else { o }
    });
    let count = q.flag("include_members_count");
    ok(data_page(&orgs, limit, offset, |o| s.org_json(o, count)))
}

fn orgs_create(shared: &Shared, body: &Body) -> Answer {
    let name = body.required_string("name")?;
    let mut s = shared.lock();
    let slug = match body.string("slug")? {
        Field::Value(slug) => {
            check_slug(&s, &slug, None)?;
            slug
        }
        Field::Absent | Field::Null => {
            let base = slugify(&name);
            let mut slug = base.clone();
            let mut n = 1;
            while s.orgs.iter().any(|o| o.slug == slug) {
                n += 1;
                slug = format!("{base}-{n}");
            }
            slug
        }
    };
    let created_by = match body.string("created_by")? {
        Field::Value(u) => {
            if s.user(&u).is_none() {
                return Err(ApiError::invalid(
                    "created_by",
                    "created_by must be the id of an existing user.",
                ));
            }
            Some(u)
        }
        Field::Absent | Field::Null => None,
    };
    let now = s.tick();
    let new_org = Org {
        id: new_id("org"),
        name,
        slug,
        public_metadata: body.object("public_metadata")?.unwrap_or_else(|| json!({})),
        private_metadata: body
            .object("private_metadata")?
            .unwrap_or_else(|| json!({})),
        max_allowed_memberships: match body.int("max_allowed_memberships")? {
            Field::Value(n) => n,
            Field::Absent | Field::Null => 0,
        },
        admin_delete_enabled: true,
        created_by: created_by.clone(),
        created_at: now,
        updated_at: now,
    };
    let org_id = new_org.id.clone();
    s.orgs.push(new_org);
    if let Some(user_id) = created_by {
        add_membership(&mut s, &org_id, &user_id, "org:admin", None, None);
    }
    ok(s.org_json(org(&s, &org_id)?, false))
}

fn orgs_update(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut o = org(&s, id)?.clone();
    match body.string("name")? {
        Field::Value(name) if !name.trim().is_empty() => o.name = name,
        Field::Absent => {}
        _ => return Err(ApiError::invalid("name", "name must not be empty.")),
    }
    if let Field::Value(slug) = body.string("slug")? {
        check_slug(&s, &slug, Some(&o.id))?;
        o.slug = slug;
    }
    if let Field::Value(n) = body.int("max_allowed_memberships")? {
        o.max_allowed_memberships = n;
    }
    if let Some(v) = body.bool("admin_delete_enabled")? {
        o.admin_delete_enabled = v;
    }
    if let Some(v) = body.object("public_metadata")? {
        o.public_metadata = v;
    }
    if let Some(v) = body.object("private_metadata")? {
        o.private_metadata = v;
    }
    o.updated_at = now;
    let out = s.org_json(&o, false);
    if let Some(slot) = s.orgs.iter_mut().find(|x| x.id == o.id) {
        *slot = o;
    }
    ok(out)
}

// ---- memberships ----------------------------------------------------------------------------

fn check_role(role: &str) -> Result<(), ApiError> {
    match role.strip_prefix("org:") {
        Some(key) if !key.is_empty() && !key.contains(':') => Ok(()),
        _ => Err(ApiError::invalid(
            "role",
            "role must be a role key such as org:admin or org:member.",
        )),
    }
}

/// Adds a membership; sessions of the user without an active organization make this one
/// active (the emulator has no organization switcher).
fn add_membership(
    s: &mut State,
    org_id: &str,
    user_id: &str,
    role: &str,
    public_metadata: Option<Value>,
    private_metadata: Option<Value>,
) -> Membership {
    let now = s.tick();
    let m = Membership {
        id: new_id("orgmem"),
        org_id: org_id.to_owned(),
        user_id: user_id.to_owned(),
        role: role.to_owned(),
        public_metadata: public_metadata.unwrap_or_else(|| json!({})),
        private_metadata: private_metadata.unwrap_or_else(|| json!({})),
        created_at: now,
        updated_at: now,
    };
    s.memberships.push(m.clone());
    for session in s.sessions.iter_mut().filter(|x| x.user_id == user_id) {
        if session.last_active_organization_id.is_none() {
            session.last_active_organization_id = Some(org_id.to_owned());
        }
    }
    m
}

fn memberships_list(shared: &Shared, org_id: &str, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let org_id = org(&s, org_id)?.id.clone();
    let users = q.all("user_id");
    let roles = q.all("role");
    let needle = q.first("query").map(str::to_lowercase);
    let mut all: Vec<&Membership> = s
        .memberships
        .iter()
        .filter(|m| {
            m.org_id == org_id
                && (users.is_empty() || users.contains(&m.user_id.as_str()))
                && (roles.is_empty() || roles.contains(&m.role.as_str()))
                && needle.as_deref().is_none_or(|n| {
                    s.user(&m.user_id).is_some_and(|u| {
                        user_matches(&s, u, &Query(vec![("query".into(), n.into())]))
                    })
                })
        })
        .collect();
    let (field, descending) = q.order_by("-created_at");
    if field != "created_at" {
        return Err(ApiError::invalid(
            "order_by",
            format!("order_by {field:?} is not supported."),
        ));
    }
    all.sort_by(|a, b| {
        let o = a.created_at.cmp(&b.created_at);
        if descending { o.reverse() } else { o }
    });
    ok(data_page(&all, limit, offset, |m| s.membership_json(m)))
}

fn memberships_create(shared: &Shared, org_id: &str, body: &Body) -> Answer {
    let user_id = body.required_string("user_id")?;
    let role = body.required_string("role")?;
    check_role(&role)?;
    let public = body.object("public_metadata")?;
    let private = body.object("private_metadata")?;
    let mut s = shared.lock();
    let o = org(&s, org_id)?.clone();
    user(&s, &user_id)?;
    if s.membership(&o.id, &user_id).is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "already_a_member_in_organization",
            "Already a member",
            format!("{user_id} is already a member of the organization."),
        ));
    }
    let limit = usize::try_from(o.max_allowed_memberships).unwrap_or(0);
    if limit > 0 && s.members_count(&o.id) >= limit {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "organization_membership_quota_exceeded",
            "Membership quota exceeded",
            "The organization has reached its maximum number of memberships.",
        ));
    }
    let m = add_membership(&mut s, &o.id, &user_id, &role, public, private);
    ok(s.membership_json(&m))
}

fn membership_update(
    shared: &Shared,
    org_id: &str,
    user_id: &str,
    change: impl FnOnce(&mut Membership),
) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let org_id = org(&s, org_id)?.id.clone();
    let m = s
        .memberships
        .iter_mut()
        .find(|m| m.org_id == org_id && m.user_id == user_id)
        .ok_or_else(ApiError::not_found)?;
    change(m);
    m.updated_at = now;
    let m = m.clone();
    ok(s.membership_json(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_and_refuse_bad_utf8() {
        assert_eq!(
            segments("/npm/%40clerk/clerk-js@4/dist/clerk.browser.js").unwrap(),
            ["npm", "@clerk", "clerk-js@4", "dist", "clerk.browser.js"]
        );
        assert_eq!(segments("//v1//users/").unwrap(), ["v1", "users"]);
        assert!(segments("/v1/%FF").is_none());
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Acme Inc."), "acme-inc");
        assert_eq!(slugify("!!!"), "org");
        assert!(check_role("org:billing").is_ok());
        assert!(check_role("admin").is_err());
        assert!(check_role("org:a:b").is_err());
    }
}
