// A stand-in for an integration crate (clerk-axum, clerk-actix, clerk-rocket): the names the
// expansion uses, `Protected<P>`, `ProtectedCaller<P>` and `__private::{Policy, Reverification,
// TokenType}`, with the real `clerk_core::Policy`.
// Included with `#[path = "../support.rs"] mod fake;` and named by `crate = "crate::fake"`.
#![allow(dead_code)]

use std::future::Future;
use std::marker::PhantomData;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use clerk_core::Policy;

/// What the integrations' extractor does: admit a request only when the policy passes.
pub struct Protected<P>(PhantomData<P>);

impl<P: Policy> Protected<P> {
    pub fn check(org_role: Option<&str>, permissions: &[&str]) -> Option<Self> {
        P::evaluate(org_role, permissions).then_some(Protected(PhantomData))
    }

    pub fn signed_in() -> Self {
        Protected(PhantomData)
    }
}

/// What the integrations' extractor for routes that accept machine tokens is: a user or a
/// machine that the policy admits.
pub struct ProtectedCaller<P>(PhantomData<P>);

impl<P: Policy> ProtectedCaller<P> {
    pub fn admitted() -> Self {
        ProtectedCaller(PhantomData)
    }
}

#[doc(hidden)]
pub mod __private {
    pub use clerk_core::Policy;
    // Named by the expansion of `reverification = "..."` and `token = [...]` only.
    #[allow(unused_imports)]
    pub use clerk_core::{Reverification, TokenType};
}

/// Runs a future that never waits (the handlers under test do not).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the handler awaited something"),
    }
}
