//! The handshake protocol's decision (docs/auth-rules.md §9.3–§9.5): the header path, the cookie
//! rules in their order, and how a token error becomes a state.

use std::sync::Arc;

use serde_json::Value;

use super::HandshakeSettings;
use super::context::{Context, TokenView};
use super::redirect::{Redirect, maybe_handshake};
use super::{org_sync, refresh, resolve};
use crate::auth::reason::{AuthReason, AuthStatus};
use crate::auth::request::RequestView;
use crate::auth::state::AuthState;
use crate::config::ClerkConfig;
use crate::jwt::{
    Attempt, TokenVerificationError, TokenVerificationErrorReason as TokenReason, Verified,
    verify_cached_now, verify_decoded_now, verify_token_now, verify_token_shared,
};
use crate::machine::{self, AcceptsToken, TokenType};

/// Whether the decision may wait for the network (JWKS, refresh, handshake payload).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Io {
    /// The asynchronous path.
    Allowed,
    /// The synchronous path: anything needing the network stops the decision.
    Forbidden,
}

/// The decision needs the network (only with [`Io::Forbidden`]).
#[derive(Debug)]
pub(crate) struct NeedsIo;

/// Where the token came from (it is named in the error message).
#[derive(Clone, Copy)]
pub(crate) enum Carrier {
    Header,
    Cookie,
}

impl Carrier {
    fn as_str(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// The auth state of `request` under the handshake protocol.
pub(crate) async fn authenticate<R: RequestView + ?Sized>(
    config: &ClerkConfig,
    settings: &HandshakeSettings,
    request: &R,
    io: Io,
) -> Result<AuthState, NeedsIo> {
    let mut ctx = Context::new(config, settings, request);
    let header_token = ctx.header_token();
    let accepts = config.accepts_token();
    // A list: a token of a type it does not hold gives the invalid-token state.
    if let AcceptsToken::OneOf(list) = accepts {
        let detected = header_token
            .as_deref()
            .and_then(machine::detect)
            .unwrap_or(TokenType::SessionToken);
        if !list.contains(&detected) {
            return Ok(
                signed_out(config, AuthReason::TokenTypeMismatch, "", Vec::new())
                    .with_token_type(None),
            );
        }
    }
    match (header_token, accepts) {
        (Some(token), AcceptsToken::Any | AcceptsToken::OneOf(_)) => {
            match machine::detect(&token) {
                Some(token_type) => machine_path(&ctx, &token, token_type, io).await,
                None => header_path(&ctx, &token, io).await,
            }
        }
        (Some(token), AcceptsToken::Only(TokenType::SessionToken)) => {
            header_path(&ctx, &token, io).await
        }
        (Some(token), AcceptsToken::Only(expected)) => match machine::detect(&token) {
            Some(detected) if detected == *expected => {
                machine_path(&ctx, &token, detected, io).await
            }
            _ => Ok(
                signed_out(config, AuthReason::TokenTypeMismatch, "", Vec::new())
                    .with_token_type(Some(*expected)),
            ),
        },
        (None, AcceptsToken::Only(expected)) if *expected != TokenType::SessionToken => Ok(
            signed_out(config, AuthReason::NoTokenInHeader, "", Vec::new())
                .with_token_type(Some(*expected)),
        ),
        (None, _) => cookie_path(&mut ctx, io).await,
    }
}

/// A machine token in the `Authorization` header (docs/auth-rules.md §9.13): verified, or
/// signed out with the verifier's code; never a handshake.
async fn machine_path<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    token: &str,
    token_type: TokenType,
    io: Io,
) -> Result<AuthState, NeedsIo> {
    if let Some(hit) = machine::cached(ctx.config, token) {
        return Ok(AuthState::signed_in_machine(ctx.config, hit));
    }
    if io == Io::Forbidden {
        return Err(NeedsIo);
    }
    let user_agent = ctx.header("user-agent");
    match machine::verify(ctx.config, token, token_type, user_agent.as_deref()).await {
        Ok(verified) => Ok(AuthState::signed_in_machine(ctx.config, verified)),
        Err(e) => Ok(
            signed_out(ctx.config, e.reason.into(), &e.full_message(), Vec::new())
                .with_token_type(Some(e.token_type)),
        ),
    }
}

/// A signed-out state.
pub(crate) fn signed_out(
    config: &ClerkConfig,
    reason: AuthReason,
    message: &str,
    headers: Vec<(&'static str, String)>,
) -> AuthState {
    AuthState::from_parts(
        config,
        AuthStatus::SignedOut,
        Some(reason),
        Some(message.to_owned()),
        None,
        headers,
    )
}

/// A signed-in state.
pub(crate) fn signed_in(
    config: &ClerkConfig,
    verified: Arc<Verified>,
    headers: Vec<(&'static str, String)>,
) -> AuthState {
    AuthState::from_parts(
        config,
        AuthStatus::SignedIn,
        None,
        None,
        Some(verified),
        headers,
    )
}

/// Verifies a session token with the handshake protocol's rules and words.
pub(crate) async fn verify(
    config: &ClerkConfig,
    token: &str,
    io: Io,
) -> Result<Result<Arc<Verified>, TokenVerificationError>, NeedsIo> {
    verify_attempt(
        config,
        token,
        verify_token_now(token, &config.inner.verifier),
        io,
    )
    .await
}

/// [`verify`] of a token the rules already read (not decoded again).
async fn verify_view(
    config: &ClerkConfig,
    token: &str,
    view: TokenView,
    io: Io,
) -> Result<Result<Arc<Verified>, TokenVerificationError>, NeedsIo> {
    let attempt = match view {
        TokenView::Decoded(jwt) => verify_decoded_now(token, jwt, &config.inner.verifier),
        TokenView::Cached(verified) => verify_cached_now(token, verified, &config.inner.verifier),
    };
    verify_attempt(config, token, attempt, io).await
}

async fn verify_attempt(
    config: &ClerkConfig,
    token: &str,
    attempt: Attempt,
    io: Io,
) -> Result<Result<Arc<Verified>, TokenVerificationError>, NeedsIo> {
    let verifier = &config.inner.verifier;
    let result = match attempt {
        Attempt::Done(result) => result,
        Attempt::NeedsKeys { .. } if io == Io::Forbidden => return Err(NeedsIo),
        Attempt::NeedsKeys { .. } => verify_token_shared(token, verifier).await,
    };
    Ok(result.map_err(TokenVerificationError::into_handshake_dialect))
}

/// A token in the `Authorization` header: verified alone (docs/auth-rules.md §9.3).
async fn header_path<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    token: &str,
    io: Io,
) -> Result<AuthState, NeedsIo> {
    let view = TokenView::read(ctx.config, token);
    if view.as_ref().is_ok_and(TokenView::is_other_kind) {
        return Ok(signed_out(
            ctx.config,
            AuthReason::TokenTypeMismatch,
            "",
            Vec::new(),
        ));
    }
    let verified = match view {
        Ok(view) => verify_view(ctx.config, token, view, io).await?,
        Err(_) => verify(ctx.config, token, io).await?,
    };
    match verified {
        Ok(verified) => Ok(signed_in(ctx.config, verified, Vec::new())),
        Err(e) => token_error(ctx, &e, Carrier::Header, io).await,
    }
}

/// The cookie rules, first match wins (docs/auth-rules.md §9.4, R1–R17).
async fn cookie_path<R: RequestView + ?Sized>(
    ctx: &mut Context<'_, R>,
    io: Io,
) -> Result<AuthState, NeedsIo> {
    use AuthReason as A;
    let config = ctx.config;
    let dev = ctx.settings.is_development();
    let satellite = ctx.settings.is_satellite;

    // R1: a handshake coming back.
    if let Some(state) = resolve::handshake_in_request(ctx, io).await? {
        return Ok(state);
    }
    let synced = ctx.query("__clerk_synced");
    let has_cookies = ctx.session.is_some() || ctx.client_uat != 0.0;
    // R2, R3: a satellite page navigation that is not synced yet.
    if satellite && ctx.is_document() && ctx.is_get() && synced.as_deref() != Some("true") {
        let needs_sync = synced.as_deref() == Some("false");
        if !ctx.settings.satellite_auto_sync && !has_cookies && !needs_sync {
            return Ok(signed_out(
                config,
                A::SessionTokenAndUatMissing,
                "",
                Vec::new(),
            ));
        }
        if !has_cookies || needs_sync {
            let redirect = if dev {
                match super::redirect::sign_in_sync_url(ctx) {
                    Some(url) => Redirect::To(url),
                    None => Redirect::Handshake,
                }
            } else {
                Redirect::Handshake
            };
            return Ok(maybe_handshake(ctx, A::SatelliteNeedsSyncing, "", redirect));
        }
    }
    // R4: a development primary asked to sync a satellite sends the browser back.
    if dev
        && !satellite
        && let Some(url) = super::redirect::satellite_return_url(ctx)
    {
        return Ok(maybe_handshake(
            ctx,
            A::PrimaryRespondsToSyncing,
            "",
            Redirect::To(url),
        ));
    }
    if dev {
        // R5
        if ctx.query("__clerk_db_jwt").is_some() {
            return Ok(maybe_handshake(
                ctx,
                A::DevBrowserSync,
                "",
                Redirect::Handshake,
            ));
        }
        // R6
        if ctx.dev_browser().is_none() {
            return Ok(maybe_handshake(
                ctx,
                A::DevBrowserMissing,
                "",
                Redirect::Handshake,
            ));
        }
    }
    let Some(session) = ctx.session.clone() else {
        // R7, R9
        return Ok(if ctx.client_uat == 0.0 {
            signed_out(config, A::SessionTokenAndUatMissing, "", Vec::new())
        } else {
            maybe_handshake(ctx, A::ClientUatButNoSessionToken, "", Redirect::Handshake)
        });
    };
    // R8
    if ctx.client_uat == 0.0 {
        return Ok(maybe_handshake(
            ctx,
            A::SessionTokenButNoClientUat,
            "",
            Redirect::Handshake,
        ));
    }
    // R10
    let view = match ctx.session_view() {
        Some(Ok(view)) => view,
        Some(Err(e)) => {
            return token_error(ctx, &e.into_handshake_dialect(), Carrier::Cookie, io).await;
        }
        // (The session cookie was checked above.)
        None => {
            return Ok(signed_out(
                config,
                A::SessionTokenAndUatMissing,
                "",
                Vec::new(),
            ));
        }
    };
    // R11
    if view.is_other_kind() {
        return Ok(signed_out(config, A::TokenTypeMismatch, "", Vec::new()));
    }
    // R12: decided on the decoded token, before any verification.
    if let Some(iat) = view.claim("iat").and_then(Value::as_f64)
        && iat < ctx.client_uat
    {
        return Ok(maybe_handshake(
            ctx,
            A::SessionTokenIatBeforeClientUat,
            "",
            Redirect::Handshake,
        ));
    }
    // R13
    let verified = match verify_view(config, &session, view, io).await? {
        Ok(verified) => verified,
        Err(e) => return token_error(ctx, &e, Carrier::Cookie, io).await,
    };
    // R15: a page navigation arriving from another site may come from a satellite.
    if !satellite
        && ctx.is_get()
        && ctx.is_document()
        && ctx.redirect_count() == 0.0
        && super::redirect::is_foreign_referrer(ctx)
    {
        let state = maybe_handshake(
            ctx,
            A::PrimaryDomainCrossOriginSync,
            "Cross-origin request from satellite domain requires handshake",
            Redirect::Handshake,
        );
        return Ok(state);
    }
    // R16: organization sync.
    if let Some(state) = org_sync::activation(ctx, &verified) {
        return Ok(state);
    }
    // R17
    Ok(signed_in(config, verified, Vec::new()))
}

/// A token error becomes a state (docs/auth-rules.md §9.5): a refresh for an expired cookie,
/// a handshake for a token that is expired, not active yet or issued in the future, signed out
/// otherwise.
pub(crate) async fn token_error<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    e: &TokenVerificationError,
    carrier: Carrier,
    io: Io,
) -> Result<AuthState, NeedsIo> {
    use AuthReason as A;
    if e.reason() == TokenReason::UnexpectedError {
        let mut state = signed_out(ctx.config, A::UnexpectedError, "", Vec::new());
        state.set_key_fetch_failure(e.is_key_fetch_failure());
        return Ok(state);
    }
    let mut refresh_error = None;
    if e.reason() == TokenReason::TokenExpired {
        if ctx.is_get()
            && let Some(refresh_token) = ctx.refresh_token()
        {
            match refresh::refresh(ctx, &refresh_token, io).await? {
                Ok(state) => return Ok(state),
                Err(why) => refresh_error = Some(why),
            }
        } else if !ctx.is_get() {
            refresh_error = Some("session-token-expired-refresh-non-eligible-non-get");
        } else {
            refresh_error = Some("session-token-expired-refresh-non-eligible-no-refresh-cookie");
        }
    }
    let message = e.full_message(carrier.as_str());
    let state = match e.reason() {
        TokenReason::TokenExpired => maybe_handshake(
            ctx,
            A::SessionTokenExpiredRefresh(refresh_error.unwrap_or_default()),
            &message,
            Redirect::Handshake,
        ),
        TokenReason::TokenNotActiveYet => {
            maybe_handshake(ctx, A::SessionTokenNbf, &message, Redirect::Handshake)
        }
        TokenReason::TokenIatInTheFuture => maybe_handshake(
            ctx,
            A::SessionTokenIatInTheFuture,
            &message,
            Redirect::Handshake,
        ),
        reason => {
            let mut state = signed_out(ctx.config, reason.into(), &message, Vec::new());
            state.set_key_fetch_failure(e.is_key_fetch_failure());
            state
        }
    };
    Ok(state)
}
