//! `metrics_load SERVER_BIN [--seconds-limit N]`: starts the metrics server `SERVER_BIN --port N`
//! on a free loopback port (the grading pack's `net::Server`, so it is stopped and reaped at the
//! end), puts it under the load generator the hidden checks of ex17 use
//! (`pack_support::metrics::run_load`, every reply checked against a model of the store), and
//! prints, for a few shapes of load, the requests answered per second and the latency.
//!
//! A `net::LoadProbe` runs alongside each load: it says how late this machine woke a sleeping
//! thread meanwhile, so a slow figure can be told from a busy machine.
//!
//! This is a benchmark, not a test: it judges nothing and always exits 0 if the server
//! answered every request right (1 otherwise). Run it with `bench/metrics_rps.sh`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pack_support::metrics::{millis, run_load, Load};
use pack_support::net::{LoadProbe, Server};

/// One shape of load: its name, clients, requests per client, requests in flight per client,
/// and threads of the load generator.
const SHAPES: [(&str, usize, usize, usize, usize); 4] = [
    ("1 client, one request at a time", 1, 20_000, 1, 1),
    ("100 clients, one request at a time each", 100, 300, 1, 1),
    ("100 clients, one request at a time each, 2 load threads", 100, 300, 1, 2),
    ("50 clients, 16 pipelined requests in flight each", 50, 4_000, 16, 1),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(bin) = args.first().map(PathBuf::from) else {
        eprintln!("usage: metrics_load SERVER_BIN   (the server takes --port N)");
        return ExitCode::from(2);
    };
    let server = match Server::start(&bin, &[], &[]) {
        Ok(server) => server,
        Err(f) => {
            eprintln!("the server did not start: {}", f.observed);
            return ExitCode::FAILURE;
        }
    };
    println!("metrics server: {} (PID {})", server.command_line(), server.pid());
    println!("{:<58} {:>9} {:>10} {:>10} {:>10} {:>9}", "load", "requests", "per second", "p50", "p99", "late");
    let mut all_right = true;
    for (round, (name, clients, requests, in_flight, threads)) in SHAPES.into_iter().enumerate() {
        let load = Load {
            clients,
            requests,
            in_flight,
            threads,
            limit: Duration::from_secs(60),
            key_prefix: format!("bench{round}."),
        };
        let probe = LoadProbe::start(load.limit);
        let report = run_load(server.port(), &load);
        let late = probe.finish();
        let quantile = |q| report.quantile(q).map(millis).unwrap_or_else(|| "-".to_owned());
        println!(
            "{name:<58} {:>9} {:>10.0} {:>10} {:>10} {:>6} ms",
            report.answered,
            report.per_second(),
            quantile(0.5),
            quantile(0.99),
            late.as_millis()
        );
        if !report.all_answered() {
            all_right = false;
            println!("  not every request was answered right: {}", report.summary());
            for error in report.errors.iter().take(3) {
                println!("  {error}");
            }
        }
    }
    println!("(late: how late this machine woke a sleeping thread during that load, the LoadProbe)");
    if let Err(f) = server.stop() {
        eprintln!("stopping the server: {}", f.observed);
    }
    if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
