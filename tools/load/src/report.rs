//! The markdown table and the PNG plot of a load run.

use std::fmt::Write as _;
use std::path::Path;

use plotters::prelude::*;

use crate::{Measurement, Options};

const SCENARIOS: [&str; 8] = [
    "plain",
    "signed-out",
    "me-reused",
    "me-fresh",
    "admin-macro",
    "me-reused-i",
    "plain-2t",
    "me-reused-2t",
];

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown".to_owned(),
            |kb| format!("{:.0} GiB", kb as f64 / 1_048_576.0),
        );
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|o| {
            o.lines().find(|l| l.starts_with("PRETTY_NAME=")).map(|l| {
                l.trim_start_matches("PRETTY_NAME=")
                    .trim_matches('"')
                    .to_owned()
            })
        })
        .unwrap_or_default();
    let tool = |cmd: &str, arg: &str| {
        std::process::Command::new(cmd)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                let text = if o.stdout.is_empty() {
                    o.stderr
                } else {
                    o.stdout
                };
                String::from_utf8_lossy(&text)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
            .unwrap_or_default()
    };
    format!(
        "{cpu}, {cores} cores, {memory} RAM, {os}; {}; {}",
        tool("rustc", "--version"),
        tool("wrk", "--version")
    )
}

pub(crate) fn write(measurements: &[Measurement], options: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&options.out).map_err(|e| e.to_string())?;
    let mut md = String::new();
    let _ = writeln!(md, "# Load results\n");
    let _ = writeln!(md, "Machine: {}.\n", machine());
    let _ = writeln!(
        md,
        "Each server: one thread, one worker, on 127.0.0.1 (`-2t`: two threads, two workers, and `wrk -t2`). Load: `wrk -t1 -c{} -d{}s --latency`. Every scenario ran {} times, each time right after a run of `plain`; `× plain` is the median of those paired ratios, and the other columns are the scenario's median run by requests/s. Release build.\n",
        options.connections,
        options.duration.as_secs(),
        options.repeat
    );
    let _ = writeln!(
        md,
        "| framework | scenario | requests/s | × plain | quartiles of × plain | p50 (ms) | p99 (ms) | non-2xx |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|");
    for m in measurements {
        let _ = writeln!(
            md,
            "| {} | {} | {:.0} | {:.2} | {:.2}–{:.2} | {:.3} | {:.3} | {} |",
            m.framework,
            m.scenario,
            m.result.requests_per_sec,
            m.ratio,
            m.quartiles.0,
            m.quartiles.1,
            m.result.p50_ms,
            m.result.p99_ms,
            m.result.non_2xx
        );
    }
    let _ = writeln!(
        md,
        "\nTarget: `me-reused` at least 0.9 × `plain` in each framework.\n"
    );
    for framework in crate::servers::FRAMEWORKS {
        let rate = |s: &str| {
            measurements
                .iter()
                .find(|m| m.framework == framework && m.scenario == s)
                .map_or(f64::NAN, |m| m.ratio)
        };
        let ratio = rate("me-reused");
        let _ = writeln!(
            md,
            "- {framework}: signed-out {:.2}×, me-reused {ratio:.2}× ({}), me-fresh {:.2}×, admin-macro {:.2}× of plain; two threads: plain {:.2}×, me-reused {:.2}× of one-thread plain (me-reused scales {:.2}× with the second thread, plain {:.2}×)",
            rate("signed-out"),
            if ratio >= 0.9 {
                "meets the target"
            } else {
                "BELOW the target"
            },
            rate("me-fresh"),
            rate("admin-macro"),
            rate("plain-2t"),
            rate("me-reused-2t"),
            rate("me-reused-2t") / ratio,
            rate("plain-2t"),
        );
    }
    let md_path = options.out.join("load-results.md");
    std::fs::write(&md_path, md).map_err(|e| e.to_string())?;
    let png_path = options.out.join("load-results.png");
    plot(measurements, &png_path)?;
    println!("wrote {} and {}", md_path.display(), png_path.display());
    Ok(())
}

/// Registers DejaVu Sans as the plots' font; false when it is not installed (the plots are
/// then drawn without text).
pub(crate) fn register_font() -> bool {
    let font = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
    ]
    .iter()
    .find_map(|p| std::fs::read(p).ok());
    match font {
        Some(bytes) => {
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok()
        }
        None => false,
    }
}

fn plot(measurements: &[Measurement], path: &Path) -> Result<(), String> {
    let has_font = register_font();
    let max = measurements
        .iter()
        .map(|m| m.result.requests_per_sec)
        .fold(0.0, f64::max)
        * 1.1;
    let root = BitMapBackend::new(path, (1100, 620)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let frameworks = crate::servers::FRAMEWORKS;
    let slots = frameworks.len() * (SCENARIOS.len() + 1);
    let mut builder = ChartBuilder::on(&root);
    builder
        .margin(20)
        .x_label_area_size(40)
        .y_label_area_size(80);
    if has_font {
        builder.caption(
            "Requests/s per framework and scenario (wrk, 127.0.0.1)",
            ("sans-serif", 24),
        );
    }
    let mut chart = builder
        .build_cartesian_2d(0..slots, 0.0..max)
        .map_err(|e| e.to_string())?;
    if has_font {
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(slots)
            .x_label_formatter(&|x| {
                // One label per group, under its middle bar.
                if x % (SCENARIOS.len() + 1) == SCENARIOS.len() / 2 {
                    frameworks
                        .get(x / (SCENARIOS.len() + 1))
                        .map_or(String::new(), |f| (*f).to_owned())
                } else {
                    String::new()
                }
            })
            .y_desc("requests/s")
            .draw()
            .map_err(|e| e.to_string())?;
    }
    let colors = [
        RGBColor(90, 90, 90),
        RGBColor(230, 159, 0),
        RGBColor(0, 114, 178),
        RGBColor(213, 94, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(150, 150, 150),
        RGBColor(86, 180, 233),
    ];
    for (si, scenario) in SCENARIOS.iter().enumerate() {
        let color = colors[si];
        let bars = frameworks.iter().enumerate().filter_map(|(fi, framework)| {
            let m = measurements
                .iter()
                .find(|m| m.framework == *framework && m.scenario == *scenario)?;
            let x = fi * (SCENARIOS.len() + 1) + si;
            Some(Rectangle::new(
                [(x, 0.0), (x + 1, m.result.requests_per_sec)],
                color.filled(),
            ))
        });
        let series = chart.draw_series(bars).map_err(|e| e.to_string())?;
        if has_font {
            series.label(*scenario).legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
            });
        }
    }
    if has_font {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
