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
//!   protocol, the default), to compare the two in the same run;
//! - `plain-2t`, `me-reused-2t`: `plain` and `me-reused` with two server threads (and two `wrk`
//!   threads): how each scales with a second core, against the one-thread `plain`.
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
//! cargo run --release -p clerk-load [--features peers] -- peers [--node] [--repeat 9]
//! ```
//!
//! `peers` compares, in one run, the floor, jsonwebtoken, ours and (with the `peers` feature)
//! clerk-rs 0.5 in process, `@clerk/backend` through Node (`--node`), and under load the axum
//! route behind our layer (token reused, token cache off) and behind clerk-rs's `ClerkLayer`;
//! it writes `docs/peers-results.md` and `.png` (see `peers.rs`).

mod peer;
mod peers;
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

pub(crate) struct Options {
    duration: Duration,
    connections: u32,
    repeat: u32,
    out: std::path::PathBuf,
    /// `peers` only: also measure `@clerk/backend` through Node.
    node: bool,
}

pub(crate) fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        duration: Duration::from_secs(1),
        connections: 32,
        repeat: 15,
        out: std::path::PathBuf::from("docs"),
        node: false,
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
            "--node" => options.node = true,
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
        Some("peers") => peers::run(&args[1..]),
        _ => parse_options(&args).and_then(|o| run(&o)),
    };
    if let Err(e) = result {
        eprintln!("clerk-load: {e}");
        std::process::exit(1);
    }
}

/// One scenario: its name, URL, token and the number of `wrk` threads (the number of server
/// threads: one, or two for the scaling scenarios).
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) url: String,
    pub(crate) bearer: Option<String>,
    pub(crate) wrk_threads: u32,
}

impl Scenario {
    pub(crate) fn new(name: &'static str, url: String, bearer: Option<&str>) -> Self {
        Self {
            name,
            url,
            bearer: bearer.map(str::to_owned),
            wrk_threads: 1,
        }
    }

    fn threads(mut self, threads: u32) -> Self {
        self.wrk_threads = threads;
        self
    }
}

/// Measures `scenarios` (the first is the baseline, `plain`) in rounds of pairs: plain, then a
/// scenario, for each scenario, `options.repeat` times. Each ratio compares two adjacent runs, so
/// the machine's slow drifts (this one is shared) cancel out.
pub(crate) fn paired(
    framework: &'static str,
    scenarios: &[Scenario],
    options: &Options,
) -> Result<Vec<Measurement>, String> {
    for s in scenarios {
        wrk::check_status(&s.url, s.bearer.as_deref())?;
    }
    let run = |s: &Scenario| {
        wrk::run(
            &s.url,
            s.bearer.as_deref(),
            options.duration,
            options.connections,
            s.wrk_threads,
        )
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
    let mut measurements = Vec::new();
    for ((scenario, mut results), mut ratios) in scenarios.iter().zip(runs).zip(ratios) {
        results.sort_by(|a, b| a.requests_per_sec.total_cmp(&b.requests_per_sec));
        let result = results.swap_remove(results.len() / 2);
        ratios.sort_by(f64::total_cmp);
        let at = |q: usize| ratios.get(ratios.len() * q / 4).copied().unwrap_or(1.0);
        let (ratio, quartiles) = (at(2), (at(1), at(3)));
        println!(
            "{framework:>6} {:<14} {:>10.0} req/s  {ratio:>5.2} x plain ({:.2}-{:.2})  p99 {:>8.2} ms  non-2xx {}",
            scenario.name,
            result.requests_per_sec,
            quartiles.0,
            quartiles.1,
            result.p99_ms,
            result.non_2xx
        );
        measurements.push(Measurement {
            framework,
            scenario: scenario.name,
            result,
            ratio,
            quartiles,
        });
    }
    Ok(measurements)
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
        let plain = servers::start(framework, None, 1)?;
        let clerk = servers::start(framework, Some(cached.clone()), 1)?;
        let fresh = servers::start(framework, Some(uncached.clone()), 1)?;
        let old = servers::start(framework, Some(interstitial.clone()), 1)?;
        // Scaling with cores: the same apps on two server threads (and two wrk threads).
        let plain2 = servers::start(framework, None, 2)?;
        let clerk2 = servers::start(framework, Some(cached.clone()), 2)?;
        let t = Some(token.as_str());
        let scenarios = [
            Scenario::new("plain", format!("http://{plain}/plain"), None),
            Scenario::new("signed-out", format!("http://{clerk}/public"), None),
            Scenario::new("me-reused", format!("http://{clerk}/me"), t),
            Scenario::new("me-fresh", format!("http://{fresh}/me"), t),
            Scenario::new("admin-macro", format!("http://{clerk}/admin"), t),
            Scenario::new("me-reused-i", format!("http://{old}/me"), t),
            Scenario::new("plain-2t", format!("http://{plain2}/plain"), None).threads(2),
            Scenario::new("me-reused-2t", format!("http://{clerk2}/me"), t).threads(2),
        ];
        measurements.extend(paired(framework, &scenarios, options)?);
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
