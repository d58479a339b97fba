//! Running `wrk` and reading its report.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

/// What `wrk` reported for one run.
#[derive(Debug, Clone, Default)]
pub(crate) struct WrkResult {
    pub(crate) requests_per_sec: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) non_2xx: u64,
    pub(crate) requests: u64,
}

pub(crate) fn check_installed() -> Result<(), String> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => Err("`wrk` is not installed: `apt-get install wrk` (Debian)".to_owned()),
    }
}

/// One plain HTTP/1.1 request, to check the scenario answers 200 before loading it.
pub(crate) fn check_status(url: &str, bearer: Option<&str>) -> Result<(), String> {
    let rest = url.strip_prefix("http://").ok_or("http URLs only")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).map_err(|e| format!("{url}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok();
    if response.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(format!(
            "{url} answered {:?}",
            response.lines().next().unwrap_or("")
        ))
    }
}

/// One `wrk` run of `duration` with `threads` threads and `connections` connections.
pub(crate) fn run(
    url: &str,
    bearer: Option<&str>,
    duration: Duration,
    connections: u32,
    threads: u32,
) -> Result<WrkResult, String> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        &format!("-t{threads}"),
        &format!("-c{connections}"),
        &format!("-d{}s", duration.as_secs()),
        "--latency",
    ]);
    if let Some(token) = bearer {
        cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    cmd.arg(url);
    let output = cmd.output().map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&text).ok_or_else(|| format!("could not read wrk's report:\n{text}"))
}

fn duration_ms(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

pub(crate) fn parse(text: &str) -> Option<WrkResult> {
    let mut result = WrkResult::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => result.requests_per_sec = n.parse().ok()?,
            ["50%", v] => result.p50_ms = duration_ms(v)?,
            ["99%", v] => result.p99_ms = duration_ms(v)?,
            ["Non-2xx", "or", "3xx", "responses:", n] => result.non_2xx = n.parse().ok()?,
            [n, "requests", "in", ..] => result.requests = n.parse().ok()?,
            _ => {}
        }
    }
    (result.requests_per_sec > 0.0).then_some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let text = "Running 5s test @ http://127.0.0.1:1/me\n  1 threads and 32 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   317.05us   69.97us   2.56ms   87.60%\n  Latency Distribution\n     50%  305.00us\n     75%  332.00us\n     90%  377.00us\n     99%    1.02ms\n  501234 requests in 5.00s, 60.31MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec: 100246.80\nTransfer/sec:     12.06MB\n";
        let r = parse(text).unwrap();
        assert_eq!(r.requests, 501_234);
        assert!((r.requests_per_sec - 100_246.8).abs() < 0.01);
        assert!((r.p50_ms - 0.305).abs() < 1e-9 && (r.p99_ms - 1.02).abs() < 1e-9);
        assert_eq!(r.non_2xx, 3);
    }
}
