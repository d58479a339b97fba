//! Scaling facts: memory stays bounded under a million requests with 100 000 distinct tokens, a
//! JWKS cold start under 1 000 concurrent requests makes exactly one fetch, and the reused-token
//! path (`try_get_auth_state` on a token-cache hit) scales with threads: the same shared
//! configuration asked from one thread, then from two at once, without a load generator taking
//! a core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clerk_core::__private::VerifierSeams as _;
use clerk_core::{VerifyTokenOptions, verify_token};
use clerk_testing::{Emulator, TestInstance};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut tokens = 100_000usize;
    let mut requests = 1_000_000usize;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--tokens" => tokens = value.parse().map_err(|e| format!("--tokens: {e}"))?,
            "--requests" => requests = value.parse().map_err(|e| format!("--requests: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        memory_bound(tokens.max(1), requests).await?;
        jwks_cold_start().await
    })?;
    threads_scaling()
}

/// Cache-hit requests per second through one shared configuration from 1 thread and from 2
/// threads at once (each thread asks for 1 s; the median of 5 alternating rounds): with one token
/// for all threads (one user's browser) and with a token per thread (different users).
fn threads_scaling() -> Result<(), String> {
    let instance = TestInstance::with_frontend_api("clerk.example.com");
    let config = instance
        .config_builder()
        .protocol(clerk_core::AuthProtocol::DEFAULT)
        .secret_key("sk_live_scaling")
        .build()
        .map_err(|e| e.to_string())?;
    let requests = (0..2)
        .map(|i| {
            let token = instance
                .token()
                .user_id(format!("user_{i}"))
                .lifetime(Duration::from_secs(3600))
                .sign();
            http_request(&token)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for request in &requests {
        if !clerk_core::try_get_auth_state(&config, request).is_some_and(|s| s.is_signed_in()) {
            return Err("the token is not signed in on the synchronous path".to_owned());
        }
    }
    // Requests/s summed over `threads` threads, thread `i` sending `requests[pick(i)]`.
    let run = |threads: usize, pick: fn(usize) -> usize| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let (config, request) = (&config, &requests[pick(i)]);
                    scope.spawn(move || {
                        let started = Instant::now();
                        let mut n = 0u64;
                        while started.elapsed() < Duration::from_secs(1) {
                            for _ in 0..256 {
                                std::hint::black_box(clerk_core::try_get_auth_state(
                                    config, request,
                                ));
                            }
                            n += 256;
                        }
                        n as f64 / started.elapsed().as_secs_f64()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(0.0))
                .sum::<f64>()
        })
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    for (name, pick) in [
        (
            "one token shared by the threads",
            (|_| 0) as fn(usize) -> usize,
        ),
        ("a token per thread", |i| i),
    ] {
        let (mut one, mut two) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            one.push(run(1, pick));
            two.push(run(2, pick));
        }
        one.sort_by(f64::total_cmp);
        two.sort_by(f64::total_cmp);
        let (one, two) = (one[2], two[2]);
        println!(
            "reused-token path (try_get_auth_state, token cache hit), {name}: {one:.0}/s on 1 thread, {two:.0}/s on 2 threads ({:.2}x; {cores} cores)",
            two / one
        );
    }
    Ok(())
}

/// A request with `token` in the `Authorization` header (what `me-reused` sends).
fn http_request(token: &str) -> Result<http::Request<()>, String> {
    http::Request::builder()
        .uri("http://127.0.0.1/me")
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .map_err(|e| e.to_string())
}

async fn memory_bound(tokens: usize, requests: usize) -> Result<(), String> {
    let instance = TestInstance::new();
    println!("minting {tokens} distinct tokens...");
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunks: Vec<_> = (0..workers)
        .map(|w| {
            let instance = instance.clone();
            std::thread::spawn(move || {
                (w..tokens)
                    .step_by(workers)
                    .map(|i| {
                        instance
                            .token()
                            .user_id(format!("user_{i}"))
                            .lifetime(Duration::from_secs(3600))
                            .sign()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = Vec::with_capacity(tokens);
    for c in chunks {
        all.extend(c.join().map_err(|_| "minting thread panicked")?);
    }
    println!("minted in {:.1} s", started.elapsed().as_secs_f64());
    let options = VerifyTokenOptions::builder()
        .jwt_key(instance.jwt_key())
        .build()
        .map_err(|e| e.to_string())?;
    let before = crate::rss_kib();
    let started = Instant::now();
    let mut peak_len = 0;
    let mut samples = Vec::new();
    for i in 0..requests {
        let token = &all[i % all.len()];
        verify_token(token, &options)
            .await
            .map_err(|e| e.to_string())?;
        if i % (requests / 10).max(1) == 0 {
            peak_len = peak_len.max(options.token_cache_len());
            samples.push((i, crate::rss_kib(), options.token_cache_len()));
        }
    }
    let elapsed = started.elapsed();
    let after = crate::rss_kib();
    println!(
        "memory under {requests} requests over {tokens} distinct tokens ({:.1} s):",
        elapsed.as_secs_f64()
    );
    for (i, rss, len) in &samples {
        println!("  after {i:>8} requests: RSS {rss} KiB, token cache {len} entries");
    }
    println!(
        "  RSS before {before} KiB, after {after} KiB; token cache peak {peak_len} (capacity {})",
        clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY
    );
    if peak_len > clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY {
        return Err("the token cache grew past its capacity".to_owned());
    }
    Ok(())
}

async fn jwks_cold_start() -> Result<(), String> {
    let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let token = emulator.instance().token().user_id("user_admin").sign();
    let options = Arc::new(
        VerifyTokenOptions::builder()
            .secret_key(emulator.secret_key())
            .api_url(emulator.api_url())
            .build()
            .map_err(|e| e.to_string())?,
    );
    let token = Arc::new(token);
    let started = Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (options, token) = (options.clone(), token.clone());
            tokio::spawn(async move { verify_token(&token, &options).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    }
    let fetches = options.jwks_fetch_count();
    println!(
        "JWKS cold start: 1000 concurrent verifications in {:.1} ms, {fetches} JWKS fetch(es)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    emulator.shutdown().await;
    if fetches == 1 {
        Ok(())
    } else {
        Err(format!("{fetches} fetches, expected 1"))
    }
}
