//! The verified-token cache: a token that verified once is not verified again until it expires.
//!
//! # Why this is safe
//!
//! A Clerk session token is a short-lived (60 s) signed statement. Stateless verification
//! (`verify_jwt`) already accepts a token for its whole lifetime without asking Clerk anything, so
//! remembering that a given token verified changes nothing about what is accepted: the same string
//! with the same configuration gives the same verdict until its `exp`. A hit re-checks `exp`, `nbf`
//! and `iat` against the current clock with the skew, entries are dropped at `exp`, the key is the
//! whole token string (compared byte for byte, not only its hash), only tokens that passed every
//! check are stored, and each verifier configuration has its own cache (a token accepted by an
//! instance without authorized parties is never served from cache to one that restricts them).
//! What stateless verification cannot do (revoke a session before its token expires) this cannot do
//! either. Turn it off with a capacity of 0.
//!
//! # Design
//!
//! Shards of `RwLock<HashMap>`: readers of different shards never touch the same lock, and readers
//! of one shard share it. Each shard holds at most `capacity / shards` entries; a full shard first
//! drops expired entries, then the one expiring first, so a flood of distinct valid tokens cannot
//! grow memory past the bound.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, RwLock};

use super::verified::Verified;

/// Default capacity: 4096 tokens (about 8 MiB at most for typical 1 KiB tokens).
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 4096;
const SHARDS: usize = 16;
/// The hash covers the token's length and its last 48 bytes (the signature, which differs between
/// any two tokens), with a random per-cache key; equality is always on the whole string.
const HASHED_TAIL: usize = 48;

struct Entry {
    verified: Arc<Verified>,
    exp_ms: i64,
}

/// Entries by token hash; a bucket holds the (rare) tokens whose hashes collide.
type Shard = RwLock<HashMap<u64, Vec<Entry>>>;

/// A bounded, sharded map from verified tokens to their claims.
pub(crate) struct TokenCache {
    shards: Box<[Shard]>,
    per_shard: usize,
    hasher: RandomState,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("capacity", &(self.per_shard * self.shards.len()))
            .field("len", &self.len())
            .finish()
    }
}

impl TokenCache {
    /// A cache of at most `capacity` tokens; `None` when `capacity` is 0 (cache off).
    pub(crate) fn new(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return None;
        }
        let shards = SHARDS.min(capacity);
        Some(Self {
            shards: (0..shards).map(|_| Shard::default()).collect(),
            per_shard: capacity.div_ceil(shards),
            hasher: RandomState::new(),
        })
    }

    fn locate(&self, token: &str) -> (u64, &Shard) {
        let bytes = token.as_bytes();
        let tail = &bytes[bytes.len().saturating_sub(HASHED_TAIL)..];
        let hash = self.hasher.hash_one((bytes.len(), tail));
        let index = usize::try_from(hash >> 32).unwrap_or(0) % self.shards.len();
        (hash, &self.shards[index])
    }

    /// `token` and its claims if it verified before and has not expired at `now_ms - skew_ms`.
    pub(crate) fn get(&self, token: &str, now_ms: i64, skew_ms: i64) -> Option<Arc<Verified>> {
        let (hash, shard) = self.locate(token);
        let cutoff = now_ms.saturating_sub(skew_ms);
        {
            let map = shard.read().unwrap_or_else(|p| p.into_inner());
            let entry = map
                .get(&hash)?
                .iter()
                .find(|e| &*e.verified.token == token)?;
            if entry.exp_ms > cutoff {
                return Some(Arc::clone(&entry.verified));
            }
        }
        // Expired: drop it now, so entries never outlive `exp`.
        let mut map = shard.write().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = map.get_mut(&hash) {
            bucket.retain(|e| e.exp_ms > cutoff);
            if bucket.is_empty() {
                map.remove(&hash);
            }
        }
        None
    }

    /// Remembers a token that passed every check.
    pub(crate) fn insert(&self, verified: Arc<Verified>, now_ms: i64) {
        let Some(exp_ms) = verified.claims.expires_at().checked_mul(1000) else {
            return;
        };
        if exp_ms <= now_ms {
            return;
        }
        let token = &*verified.token;
        let (hash, shard) = self.locate(token);
        let mut map = shard.write().unwrap_or_else(|p| p.into_inner());
        if let Some(existing) = map
            .get_mut(&hash)
            .and_then(|b| b.iter_mut().find(|e| &*e.verified.token == token))
        {
            existing.verified = verified;
            existing.exp_ms = exp_ms;
            return;
        }
        if shard_len(&map) >= self.per_shard {
            map.retain(|_, bucket| {
                bucket.retain(|e| e.exp_ms > now_ms);
                !bucket.is_empty()
            });
        }
        if shard_len(&map) >= self.per_shard {
            let first = map
                .iter()
                .flat_map(|(h, b)| b.iter().map(move |e| (e.exp_ms, *h)))
                .min();
            if let Some((exp, h)) = first
                && let Some(bucket) = map.get_mut(&h)
            {
                if let Some(i) = bucket.iter().position(|e| e.exp_ms == exp) {
                    bucket.swap_remove(i);
                }
                if bucket.is_empty() {
                    map.remove(&h);
                }
            }
        }
        map.entry(hash)
            .or_default()
            .push(Entry { verified, exp_ms });
    }

    /// The number of cached tokens.
    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| shard_len(&s.read().unwrap_or_else(|p| p.into_inner())))
            .sum()
    }
}

fn shard_len(map: &HashMap<u64, Vec<Entry>>) -> usize {
    map.values().map(Vec::len).sum()
}
