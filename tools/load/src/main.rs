//! Load harness for the Clerk integrations: for axum, actix-web and Rocket, in one run, on
//! 127.0.0.1, it measures requests/s and latency percentiles with `wrk` for
//!
//! - `plain`: a route of an app without Clerk (the baseline);
//! - `signed-out`: a public route behind the Clerk middleware, no token;
//! - `me-reused`: `/me` (`ClerkUser`) with the same valid token on every request (the browser
//!   case: the verified-token cache answers);
//! - `me-fresh`: `/me` with the verified-token cache turned off, so every request pays the full
//!   RSA verification (the cost of a fresh token per request);
//! - `admin-macro`: `/admin` guarded by `#[clerk_protected(roles = ["org:admin"])]`, token reused;
//! - `me-reused-i`: `me-reused` with the interstitial protocol (the others run the handshake
//!   protocol, the default), to compare the two in the same run.
//!
//! Each server runs on one thread (one worker), `wrk` uses one thread and 32 connections. Every
//! scenario is measured `--repeat` times, each time right after a run of `plain`: its ratio to
//! plain is the median of those paired ratios, so a slow or noisy moment of the machine affects
//! both sides of a pair rather than the comparison. Requests/s and latencies are the median
//! run's. It writes `docs/load-results.md` (a table with the machine described) and
//! `docs/load-results.png`.
//!
//! ```text
//! apt-get install wrk                      # Debian's load generator
//! cargo run --release -p clerk-load -- [--duration 1] [--connections 32] [--repeat 15] [--out docs]
//! cargo run --release -p clerk-load -- scaling [--tokens 100000] [--requests 1000000]
//! cargo run --release -p clerk-load -- soak [--duration 120]
//! ```

mod report;
mod scaling;
mod servers;
mod soak;
mod wrk;

use std::time::Duration;

/// What one scenario measured.
#[derive(Debug, Clone)]
pub(crate) struct Measurement {
    framework: &'static str,
    scenario: &'static str,
    /// The median run by requests/s.
    result: wrk::WrkResult,
    /// The median of the scenario's requests/s over the `plain` run just before it (1 for plain).
    ratio: f64,
    /// The first and third quartiles of those paired ratios: how much the machine moved.
    quartiles: (f64, f64),
}

struct Options {
    duration: Duration,
    connections: u32,
    repeat: u32,
    out: std::path::PathBuf,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        duration: Duration::from_secs(1),
        connections: 32,
        repeat: 15,
        out: std::path::PathBuf::from("docs"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--duration" => {
                let secs: u64 = value()?.parse().map_err(|e| format!("--duration: {e}"))?;
                options.duration = Duration::from_secs(secs.clamp(1, 120));
            }
            "--connections" => {
                options.connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            "--repeat" => {
                let n: u32 = value()?.parse().map_err(|e| format!("--repeat: {e}"))?;
                options.repeat = n.clamp(1, 31);
            }
            "--out" => options.out = value()?.into(),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("scaling") => scaling::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        _ => parse_options(&args).and_then(|o| run(&o)),
    };
    if let Err(e) = result {
        eprintln!("clerk-load: {e}");
        std::process::exit(1);
    }
}

fn run(options: &Options) -> Result<(), String> {
    wrk::check_installed()?;
    // A production instance (pk_live): no browser-only development rules.
    let instance = clerk_testing::TestInstance::with_frontend_api("clerk.example.com");
    let token = instance
        .token()
        .user_id("user_admin")
        .org_id("org_demo")
        .org_role("org:admin")
        .org_permissions(["org:invoices:read"])
        .lifetime(Duration::from_secs(3600))
        .sign();
    let config_for = |cache: usize, protocol| {
        instance
            .config_builder()
            .protocol(protocol)
            .secret_key("sk_live_load_harness")
            .token_cache_capacity(cache)
            .build()
            .map_err(|e| e.to_string())
    };
    // The examples' protocol (the default); the interstitial one for the same reused token.
    let config = |cache| config_for(cache, clerk_core::AuthProtocol::DEFAULT);
    let cached = config(clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY)?;
    let uncached = config(0)?;
    let interstitial = config_for(
        clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY,
        clerk_core::AuthProtocol::Interstitial,
    )?;

    let mut measurements = Vec::new();
    for framework in servers::FRAMEWORKS {
        let plain = servers::start(framework, None)?;
        let clerk = servers::start(framework, Some(cached.clone()))?;
        let fresh = servers::start(framework, Some(uncached.clone()))?;
        let old = servers::start(framework, Some(interstitial.clone()))?;
        let scenarios: [(&'static str, String, Option<&str>); 6] = [
            ("plain", format!("http://{plain}/plain"), None),
            ("signed-out", format!("http://{clerk}/public"), None),
            ("me-reused", format!("http://{clerk}/me"), Some(&token)),
            ("me-fresh", format!("http://{fresh}/me"), Some(&token)),
            ("admin-macro", format!("http://{clerk}/admin"), Some(&token)),
            ("me-reused-i", format!("http://{old}/me"), Some(&token)),
        ];
        for (_, url, bearer) in &scenarios {
            wrk::check_status(url, *bearer)?;
        }
        // Rounds of pairs: plain, then a scenario, for each scenario. Each ratio compares two
        // adjacent runs, so the machine's slow drifts (this one is shared) cancel out.
        let run = |(_, url, bearer): &(&str, String, Option<&str>)| {
            wrk::run(url, *bearer, options.duration, options.connections)
        };
        let mut runs: Vec<Vec<wrk::WrkResult>> = vec![Vec::new(); scenarios.len()];
        let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); scenarios.len()];
        for _ in 0..options.repeat {
            for i in 1..scenarios.len() {
                let plain = run(&scenarios[0])?;
                let result = run(&scenarios[i])?;
                ratios[i].push(result.requests_per_sec / plain.requests_per_sec);
                runs[0].push(plain);
                runs[i].push(result);
            }
        }
        for (((scenario, _, _), mut results), mut ratios) in scenarios.iter().zip(runs).zip(ratios)
        {
            results.sort_by(|a, b| a.requests_per_sec.total_cmp(&b.requests_per_sec));
            let result = results.swap_remove(results.len() / 2);
            ratios.sort_by(f64::total_cmp);
            let at = |q: usize| ratios.get(ratios.len() * q / 4).copied().unwrap_or(1.0);
            let (ratio, quartiles) = (at(2), (at(1), at(3)));
            println!(
                "{framework:>6} {scenario:<12} {:>10.0} req/s  {ratio:>5.2} x plain ({:.2}-{:.2})  p99 {:>8.2} ms  non-2xx {}",
                result.requests_per_sec, quartiles.0, quartiles.1, result.p99_ms, result.non_2xx
            );
            measurements.push(Measurement {
                framework,
                scenario,
                result,
                ratio,
                quartiles,
            });
        }
    }
    report::write(&measurements, options)
}

/// The resident set size of this process in KiB (`VmRSS` of `/proc/self/status`); 0 where
/// that cannot be read.
pub(crate) fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
