//! `clerk-load peers`: ours against the floor and the peers, in one run.
//!
//! - In process, µs per successful verification of the same token, key in memory (the
//!   contenders of [`crate::peer`]): each is timed for about 0.3 s per pass, the contenders
//!   interleaved, and the median of `--passes` passes (3) is reported.
//! - With `--node`: `@clerk/backend`'s `verifyToken` (the `jwtKey` option: key in memory), timed
//!   the same way by a small script, installed from npm into a directory under the system's
//!   temporary directory on first use (skipped with a message when `node` or `npm` is missing).
//! - Under load (axum, one server thread, `wrk -t1`, paired against `plain` as in the default
//!   run): `me-reused` (our layer, token reused), `me-fresh` (our layer, token cache off) and,
//!   with the `peers` feature, `clerk-rs` (clerk-rs 0.5's `ClerkLayer` on the same `/me` route).
//!
//! It writes `<out>/peers-results.md` and `<out>/peers-results.png`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use plotters::prelude::*;

use crate::peer::{Contenders, ORIGIN};
use crate::{Measurement, Options, Scenario};

/// `@clerk/backend`, pinned: the version the comparison was measured with.
const CLERK_BACKEND: &str = "3.25.0";

/// One row of the in-process table.
struct Timed {
    what: String,
    micros: f64,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut passes = 3usize;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--passes" {
            let v = it.next().ok_or("--passes needs a value")?;
            passes = v.parse().map_err(|e| format!("--passes: {e}"))?;
        } else {
            rest.push(arg.clone());
        }
    }
    let mut options = crate::parse_options(&rest)?;
    if !rest.iter().any(|a| a == "--repeat") {
        options.repeat = 9;
    }
    let contenders = Contenders::new()?;
    if cfg!(not(feature = "peers")) {
        println!("clerk-rs is left out: build with `--features peers` to include it");
    }

    let mut timed = in_process(&contenders, passes.max(1));
    if options.node {
        match node_verify_token(&contenders, passes.max(1)) {
            Ok(micros) => timed.push(Timed {
                what: format!("@clerk/backend {CLERK_BACKEND} `verifyToken` (Node)"),
                micros,
            }),
            Err(e) => println!("Node measurement skipped: {e}"),
        }
    }
    for t in &timed {
        println!("{:<62} {:>9.2} µs", t.what, t.micros);
    }

    let load = under_load(&contenders, &options)?;
    write(&timed, &load, &options)
}

/// The contenders timed in `passes` interleaved passes; each row the median pass.
fn in_process(contenders: &Contenders, passes: usize) -> Vec<Timed> {
    let list = Contenders::list();
    // Iterations for about 0.3 s each, from a 50 ms calibration (after a warm-up).
    let iterations: Vec<u64> = list
        .iter()
        .map(|c| {
            let started = Instant::now();
            let mut n = 0u64;
            while started.elapsed() < Duration::from_millis(50) {
                assert!((c.verify)(std::hint::black_box(contenders)));
                n += 1;
            }
            (n * 6).max(1)
        })
        .collect();
    let mut samples = vec![Vec::new(); list.len()];
    for _ in 0..passes {
        for ((c, n), s) in list.iter().zip(&iterations).zip(&mut samples) {
            let started = Instant::now();
            for _ in 0..*n {
                assert!((c.verify)(std::hint::black_box(contenders)));
            }
            s.push(started.elapsed().as_secs_f64() * 1e6 / *n as f64);
        }
    }
    list.iter()
        .zip(samples)
        .map(|(c, s)| Timed {
            what: c.what.to_owned(),
            micros: median(s),
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

const NODE_SCRIPT: &str = r#"// Times @clerk/backend's verifyToken with the key in memory (jwtKey): µs per verification,
// the median of PASSES passes of about 0.3 s each, after a warm-up.
import { verifyToken } from '@clerk/backend';

const token = process.env.TOKEN;
const options = { jwtKey: process.env.JWT_KEY, authorizedParties: [process.env.ORIGIN] };
const once = async () => {
  const result = await verifyToken(token, options);
  if (result && result.errors) throw result.errors[0];
};
const started = process.hrtime.bigint();
let n = 0;
while (process.hrtime.bigint() - started < 300_000_000n) { await once(); n++; }
const iterations = Math.max(1, n);
const samples = [];
for (let p = 0; p < Number(process.env.PASSES); p++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await once();
  samples.push(Number(process.hrtime.bigint() - t0) / 1000 / iterations);
}
samples.sort((a, b) => a - b);
console.log(`verifyToken_us ${samples[Math.floor(samples.length / 2)]}`);
"#;

/// Installs `@clerk/backend` (once) and times its `verifyToken` on the same token.
fn node_verify_token(contenders: &Contenders, passes: usize) -> Result<f64, String> {
    for tool in ["node", "npm"] {
        Command::new(tool)
            .arg("--version")
            .output()
            .map_err(|_| format!("`{tool}` is not installed"))?;
    }
    let dir = std::env::temp_dir().join(format!("clerk-load-node-{CLERK_BACKEND}"));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let installed = dir.join("node_modules/@clerk/backend/package.json");
    if !installed.exists() {
        println!(
            "installing @clerk/backend@{CLERK_BACKEND} into {}",
            dir.display()
        );
        std::fs::write(
            dir.join("package.json"),
            r#"{"name":"clerk-load-node","private":true,"type":"module"}"#,
        )
        .map_err(|e| e.to_string())?;
        let status = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                &format!("@clerk/backend@{CLERK_BACKEND}"),
            ])
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("npm: {e}"))?;
        if !status.success() {
            return Err(format!("npm install failed ({status})"));
        }
    }
    let script = dir.join("verify.mjs");
    std::fs::write(&script, NODE_SCRIPT).map_err(|e| e.to_string())?;
    let output = Command::new("node")
        .arg(&script)
        .current_dir(&dir)
        .env("TOKEN", &contenders.token)
        .env("JWT_KEY", contenders.instance.jwt_key())
        .env("ORIGIN", ORIGIN)
        .env("PASSES", passes.to_string())
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("verifyToken_us "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "the Node script failed: {}{}",
                stdout,
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

/// The axum route under `wrk`, paired against `plain`.
fn under_load(contenders: &Contenders, options: &Options) -> Result<Vec<Measurement>, String> {
    crate::wrk::check_installed()?;
    let config = |cache: usize| {
        contenders
            .instance
            .config_builder()
            .protocol(clerk_core::AuthProtocol::DEFAULT)
            .secret_key("sk_live_load_harness")
            .authorized_parties([ORIGIN])
            .token_cache_capacity(cache)
            .build()
            .map_err(|e| e.to_string())
    };
    let plain = crate::servers::start("axum", None, 1)?;
    let ours = crate::servers::start(
        "axum",
        Some(config(clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY)?),
        1,
    )?;
    let fresh = crate::servers::start("axum", Some(config(0)?), 1)?;
    let t = Some(contenders.token.as_str());
    #[allow(unused_mut)]
    let mut scenarios = vec![
        Scenario::new("plain", format!("http://{plain}/plain"), None),
        Scenario::new("plain+header", format!("http://{plain}/plain"), t),
        Scenario::new("me-reused", format!("http://{ours}/me"), t),
        Scenario::new("me-fresh", format!("http://{fresh}/me"), t),
    ];
    #[cfg(feature = "peers")]
    {
        let clerk_rs = crate::servers::start_clerk_rs(contenders.instance.jwk())?;
        scenarios.push(Scenario::new(
            "clerk-rs",
            format!("http://{clerk_rs}/me"),
            t,
        ));
    }
    crate::paired("axum", &scenarios, options)
}

fn write(timed: &[Timed], load: &[Measurement], options: &Options) -> Result<(), String> {
    let micros = |prefix: &str| {
        timed
            .iter()
            .find(|t| t.what.starts_with(prefix))
            .map_or(f64::NAN, |t| t.micros)
    };
    let floor = micros("floor: that");
    let ours = micros("ours: `verify_token`, token cache off");
    let rate = |s: &str| {
        load.iter()
            .find(|m| m.scenario == s)
            .map_or(f64::NAN, |m| m.ratio)
    };
    let fresh = rate("me-fresh");

    let mut md = String::new();
    let _ = writeln!(md, "# Ours and the peers, in one run\n");
    let _ = writeln!(md, "Machine: {}.\n", crate::report::machine());
    let _ = writeln!(
        md,
        "In process: µs per successful verification of the same Clerk-shaped RS256 token (v2 claims, an organization, `azp`), key in memory, release build; each contender timed for about 0.3 s per pass, the contenders interleaved, the median pass. Under load: axum on one server thread, 127.0.0.1, `wrk -t1 -c{} -d{}s`, each scenario {} times right after a run of `plain`; `× plain` is the median of those paired ratios (quartiles beside it), requests/s the median run.\n",
        options.connections,
        options.duration.as_secs(),
        options.repeat
    );
    let _ = writeln!(md, "| in process | µs | × floor | × ours (cache off) |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    for t in timed {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {:.2} | {:.2} |",
            t.what,
            t.micros,
            t.micros / floor,
            t.micros / ours
        );
    }
    let _ = writeln!(
        md,
        "| **under load (axum, one thread)** | **requests/s** | **× plain** (quartiles) | **× ours (cache off)** |"
    );
    for m in load {
        let what = match m.scenario {
            "plain" => "`plain`: the same JSON route without Clerk",
            "plain+header" => "`plain` receiving the same `Authorization` header",
            "me-reused" => "ours: `ClerkLayer`, `/me`, the token reused (token cache hit)",
            "me-fresh" => "ours: `ClerkLayer`, `/me`, token cache off",
            "clerk-rs" => "clerk-rs 0.5 `ClerkLayer`, the same `/me` route",
            other => other,
        };
        let _ = writeln!(
            md,
            "| {what} | {:.0} | {:.2} ({:.2}–{:.2}) | {:.2} |",
            m.result.requests_per_sec,
            m.ratio,
            m.quartiles.0,
            m.quartiles.1,
            m.ratio / fresh
        );
    }
    if cfg!(not(feature = "peers")) {
        let _ = writeln!(
            md,
            "\nclerk-rs was left out of this run (build with `--features peers`)."
        );
    }
    std::fs::create_dir_all(&options.out).map_err(|e| e.to_string())?;
    let md_path = options.out.join("peers-results.md");
    std::fs::write(&md_path, &md).map_err(|e| e.to_string())?;
    let png_path = options.out.join("peers-results.png");
    plot(timed, load, &png_path)?;
    print!("{md}");
    println!("wrote {} and {}", md_path.display(), png_path.display());
    Ok(())
}

/// Two panels: µs per verification (log scale), and requests/s under load.
fn plot(timed: &[Timed], load: &[Measurement], path: &Path) -> Result<(), String> {
    let has_font = crate::report::register_font();
    let root = BitMapBackend::new(path, (1100, 760)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (top, bottom) = root.split_vertically(430);
    let blue = RGBColor(0, 114, 178);
    let grey = RGBColor(120, 120, 120);
    let ours = |label: &str| label.starts_with("ours");

    let max = timed.iter().map(|t| t.micros).fold(1.0, f64::max) * 2.0;
    let min = timed.iter().map(|t| t.micros).fold(max, f64::min) / 2.0;
    let labels: Vec<String> = timed.iter().map(|t| t.what.replace('`', "")).collect();
    let mut builder = ChartBuilder::on(&top);
    builder
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(if has_font { 430 } else { 10 });
    if has_font {
        builder.caption(
            "µs per verification, same token, key in memory (log scale)",
            ("sans-serif", 20),
        );
    }
    let mut chart = builder
        .build_cartesian_2d((min..max).log_scale(), (0..timed.len()).into_segmented())
        .map_err(|e| e.to_string())?;
    if has_font {
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(timed.len() + 1)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_desc("µs")
            .draw()
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(timed.iter().enumerate().map(|(i, t)| {
            let color = if ours(&t.what) { blue } else { grey };
            let mut bar = Rectangle::new(
                [
                    (min, SegmentValue::Exact(i)),
                    (t.micros, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(|e| e.to_string())?;

    let max = load
        .iter()
        .map(|m| m.result.requests_per_sec)
        .fold(1.0, f64::max)
        * 1.1;
    let mut builder = ChartBuilder::on(&bottom);
    builder
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(if has_font { 430 } else { 10 });
    if has_font {
        builder.caption(
            "requests/s, axum, one server thread (wrk -t1, 127.0.0.1)",
            ("sans-serif", 20),
        );
    }
    let mut chart = builder
        .build_cartesian_2d(0.0..max, (0..load.len()).into_segmented())
        .map_err(|e| e.to_string())?;
    if has_font {
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(load.len() + 1)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) => load
                    .get(*i)
                    .map_or(String::new(), |m| m.scenario.to_owned()),
                _ => String::new(),
            })
            .x_desc("requests/s")
            .draw()
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(load.iter().enumerate().map(|(i, m)| {
            let color = if m.scenario.starts_with("me-") {
                blue
            } else {
                grey
            };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (m.result.requests_per_sec, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
