//! What [`ClerkFairing`](crate::ClerkFairing) and the guards share: the state the fairing
//! manages, and the markers they leave on a request.

use std::sync::atomic::AtomicBool;

use clerk_core::ClerkConfig;

use crate::rejection::ClerkRejection;

/// The state [`ClerkFairing`] manages; its presence is what the guards' `Sentinel` checks.
pub(crate) struct ClerkState {
    pub(crate) config: ClerkConfig,
}

/// The first rejection of a Clerk guard on a request, read by the fairing's catchers.
pub(crate) struct RecordedRejection(pub(crate) Option<ClerkRejection>);

/// Set once a refused request is logged: the outcome route and the response hook both see it.
pub(crate) struct RefusalLogged(pub(crate) AtomicBool);
