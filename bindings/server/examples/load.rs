//! Throughput of `check` over HTTP beside the same check in process (BENCHMARKS.md).
//!
//! `cargo run --release -p origo-server --no-default-features --example load -- [CLIENTS] [SECONDS]`
//!
//! Starts the service on an ephemeral loopback port, then CLIENTS threads (default 8), each with
//! one keep-alive connection, POST the example certificate to `/v1/check` for SECONDS (default 10);
//! then as many threads call `api::call("check")` in process for as long. Both loops are bounded
//! in time and stop by themselves.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool: a failure should stop it"
)]
#![allow(clippy::disallowed_methods, reason = "it measures time")]

use origo::{api, Rulebook};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>().expect("CLIENTS and SECONDS are numbers"));
    let clients = args.next().unwrap_or(8);
    let seconds = Duration::from_secs(args.next().unwrap_or(10));
    let certificate: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/certificates/asean.json"))
            .unwrap(),
    )
    .unwrap();
    let request = serde_json::json!({ "certificate": certificate, "today": "2026-10-01" }).to_string();
    let rb = Rulebook::builtin().unwrap();
    let expected = api::call("check", &request, &rb).unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let server_rb = rb.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let config = origo_server::Config::default();
            let header_timeout = config.header_timeout;
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            origo_server::serve(
                listener,
                origo_server::router(server_rb, config),
                header_timeout,
                std::future::pending(),
            )
            .await;
        });
    });
    let url = format!("http://{addr}/v1/check");

    let over_http = run(clients, seconds, |until| {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut done = 0u64;
        while Instant::now() < until {
            let mut response = agent.post(&url).header("content-type", "application/json").send(&request).unwrap();
            let body = response.body_mut().read_to_string().unwrap();
            assert_eq!(body, expected, "the server answered otherwise than the library");
            done += 1;
        }
        done
    });
    let in_process = run(clients, seconds, |until| {
        let mut done = 0u64;
        while Instant::now() < until {
            std::hint::black_box(api::call("check", &request, &rb).unwrap());
            done += 1;
        }
        done
    });
    println!(
        "check of examples/certificates/asean.json ({} bytes), {clients} client threads, {seconds:?} each:",
        request.len()
    );
    println!("  over HTTP  {:>8} requests/s", over_http);
    println!("  in process {:>8} checks/s (api::call)", in_process);
}

/// Requests per second of `clients` threads running `work` until the deadline it is given.
fn run(clients: u64, seconds: Duration, work: impl Fn(Instant) -> u64 + Sync) -> u64 {
    let until = Instant::now() + seconds;
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients).map(|_| scope.spawn(|| work(until))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    total / seconds.as_secs().max(1)
}
