//! The service over real HTTP: a server on an ephemeral port, called with an HTTP client (and, for
//! the clients that misbehave, with a raw socket). Every answer is compared with the library's
//! own `api::call` on the same request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]
#![allow(clippy::disallowed_methods, reason = "the slow-client tests time the server")]

use origo::{api, Rulebook};
use origo_server::{router, serve, status, Config};
use serde_json::{json, Value};
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A server running on its own runtime until dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    fn start(config: Config) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let header_timeout = config.header_timeout;
                let routes = router(Rulebook::builtin().unwrap(), config);
                serve(listener, routes, header_timeout, async {
                    let _ = stopped.await;
                })
                .await;
            });
        });
        Server { addr, stop: Some(stop) }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// Status, content type and body of `POST path` with `body`.
fn post(server: &Server, agent: &ureq::Agent, path: &str, body: &str, accept: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut request = agent.post(server.url(path)).header("content-type", "application/json");
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let mut response = request.send(body).unwrap();
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let status = response.status().as_u16();
    (status, kind, response.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap())
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    let mut response = client().get(server.url(path)).call().unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap())
}

fn certificate() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/certificates/asean.json")).unwrap()
}

/// What the library answers in process: the body and the status the server must give.
fn in_process(op: &str, request: &str, rb: &Rulebook) -> (u16, Vec<u8>) {
    match api::call(op, request, rb) {
        Ok(answer) => (200, answer.into_bytes()),
        Err(e) => (status(e.code).as_u16(), api::envelope(Err(e)).into_bytes()),
    }
}

/// Every shared vector, POSTed to its operation, is answered as `api::call` answers it (the same
/// JSON text, or the same coded error with its status); with the requests below, every operation
/// of the table has answered at least once.
#[test]
fn every_operation_answers_as_the_library_does() {
    let server = Server::start(Config::default());
    let agent = client();
    let rb = Rulebook::builtin().unwrap();
    let mut requests = Vec::new();
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors");
    for file in std::fs::read_dir(vectors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some("json".as_ref()))
    {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            requests.push((case["op"].as_str().unwrap().to_owned(), case["input"].to_string()));
        }
    }
    for op in ["codes", "rules", "calendar_info", "transition_table"] {
        requests.push((op.to_owned(), "{}".to_owned()));
    }
    let mut answered = std::collections::BTreeSet::new();
    for (op, request) in &requests {
        let (status, kind, body) = post(&server, &agent, &format!("/v1/{op}"), request, None);
        let (want_status, want_body) = in_process(op, request, &rb);
        assert_eq!(
            (status, String::from_utf8_lossy(&body)),
            (want_status, String::from_utf8_lossy(&want_body)),
            "{op} {request:.200}"
        );
        assert_eq!(kind, "application/json");
        if status == 200 {
            answered.insert(api::find(op).unwrap().name);
        }
    }
    #[cfg(feature = "render")]
    answered.extend(documents(&server, &agent, &rb));
    let missing: Vec<&str> = api::OPERATIONS.iter().map(|e| e.name).filter(|n| !answered.contains(n)).collect();
    assert!(missing.is_empty(), "no request answered these operations over HTTP: {missing:?}");
}

/// The drawing operations answer the document itself, with its media type, or with
/// `Accept: application/json` the JSON answer of `api::call`.
#[cfg(feature = "render")]
fn documents(server: &Server, agent: &ureq::Agent, rb: &Rulebook) -> Vec<&'static str> {
    let certificate: Value = serde_json::from_str(&certificate()).unwrap();
    let letter = json!({
        "requester": "Korea Customs Service",
        "certificate": "K2633000000000001",
        "issuer": "中国国际贸易促进委员会宁波市分会",
        "creator": "中国国际贸易促进委员会浙江省分会",
        "date": "2026-10-15",
        "conclusion_zh": "经核查，证书真实有效。",
        "conclusion_en": "The certificate is authentic and valid."
    });
    let cases = [
        ("render", json!({ "certificate": certificate, "format": "png", "dpi": 36 }), "image/png", &b"\x89PNG"[..]),
        ("render", json!({ "certificate": certificate, "format": "svg" }), "image/svg+xml", b"<svg"),
        ("render_reply_letter", json!({ "letter": letter }), "application/pdf", b"%PDF"),
    ];
    for (op, request, media_type, magic) in &cases {
        let request = request.to_string();
        let (status, kind, body) = post(server, agent, &format!("/v1/{op}"), &request, None);
        assert_eq!((status, kind.as_str()), (200, *media_type), "{op}: {}", String::from_utf8_lossy(&body));
        assert!(body.starts_with(magic), "{op}: {media_type}");
        let (status, kind, answer) = post(server, agent, &format!("/v1/{op}"), &request, Some("application/json"));
        assert_eq!((status, kind.as_str()), (200, "application/json"));
        let (_, want) = in_process(op, &request, rb);
        assert_eq!(answer, want, "{op} as JSON");
        let as_json: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(as_json["media_type"], json!(media_type));
    }
    let (status, kind, body) = post(server, agent, "/v1/render", "{\"certificate\": {}}", None);
    assert_eq!((status, kind.as_str()), (400, "application/json"), "a refused render is a coded error, not a document");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["error"]["code"], "missing_field");
    vec!["render", "render_reply_letter"]
}

#[test]
fn bad_input_is_a_coded_client_error() {
    let server = Server::start(Config::default());
    let agent = client();
    let error = |status: u16, body: &[u8]| -> (u16, String, String) {
        let v: Value = serde_json::from_slice(body).unwrap();
        let e = &v["error"];
        assert!(e["message"]["zh"].is_string() && e["message"]["en"].is_string(), "{v}");
        (status, e["code"].as_str().unwrap().to_owned(), e["path"].as_str().unwrap().to_owned())
    };
    let cases: [(&str, &str, (u16, &str, &str)); 5] = [
        ("/v1/check", "{\"certificate\": ", (400, "invalid_json", "")),
        ("/v1/check", "{\"color\": 1, \"certificate\": {}}", (400, "unknown_field", "color")),
        ("/v1/check", "", (400, "invalid_json", "")),
        ("/v1/determine_origin", "{\"agreement\": 7, \"product\": {}}", (400, "invalid_type", "agreement")),
        ("/v1/no_such_operation", "{}", (404, "unknown_operation", "")),
    ];
    for (path, body, (want_status, want_code, want_path)) in cases {
        let (status, kind, answer) = post(&server, &agent, path, body, None);
        assert_eq!(kind, "application/json", "{path} {body}");
        let (status, code, at) = error(status, &answer);
        assert_eq!((status, code.as_str()), (want_status, want_code), "{path} {body}");
        assert!(at.starts_with(want_path), "{path} {body}: at `{at}`");
    }
    // A request the library can read but not use: 422.
    let (status, _, answer) = post(&server, &agent, "/v1/workflow_table", "{\"workflow\": \"nope\"}", None);
    assert_eq!(error(status, &answer).0, 422);
    // Not UTF-8.
    let mut response = agent.post(server.url("/v1/check")).send(&[0xff, 0xfe, b'{'][..]).unwrap();
    assert_eq!(error(response.status().as_u16(), &response.body_mut().read_to_vec().unwrap()).1, "invalid_json");
    // Wrong methods and paths.
    let mut response = agent.get(server.url("/v1/check")).call().unwrap();
    assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
    assert_eq!(error(response.status().as_u16(), &response.body_mut().read_to_vec().unwrap()).1, "method_not_allowed");
    assert_eq!(response.status().as_u16(), 405);
    let (status, _, answer) = post(&server, &agent, "/v1/health", "{}", None);
    assert_eq!(error(status, &answer).1, "method_not_allowed");
    for path in ["/", "/v2/check", "/v1/check/more"] {
        let (status, _, answer) = post(&server, &agent, path, "{}", None);
        assert_eq!(error(status, &answer), (404, "unknown_operation".into(), String::new()), "{path}");
    }
}

#[test]
fn health_version_and_description() {
    let server = Server::start(Config::default());
    assert_eq!(get(&server, "/v1/health"), (200, json!({ "status": "ok" })));
    let (status, version) = get(&server, "/v1/version");
    assert_eq!(status, 200);
    assert_eq!(version["origo"], env!("CARGO_PKG_VERSION"));
    assert_eq!(version["rulebook"], Rulebook::builtin().unwrap().version());
    let (status, doc) = get(&server, "/v1/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for entry in api::OPERATIONS {
        assert!(doc["paths"][format!("/v1/{}", entry.name)]["post"].is_object(), "{}", entry.name);
    }
}

/// Raw HTTP on a socket, for the clients no well-behaved library would be.
fn raw(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream
}

/// The status and body of the response on `stream` (the server closes the connection after it).
fn response(stream: &mut TcpStream) -> (u16, Value) {
    let mut text = Vec::new();
    let _ = stream.read_to_end(&mut text);
    let text = String::from_utf8_lossy(&text);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[test]
fn an_oversized_body_is_refused_before_it_is_read_whole() {
    let server = Server::start(Config::default());
    let max = Rulebook::builtin().unwrap().limits().max_input_bytes;
    // Declared too large: refused on the headers alone, not one byte of the body sent.
    let mut stream = raw(&server);
    write!(stream, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 3 * max)
        .unwrap();
    let (status, body) = response(&mut stream);
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("input_too_large")));
    // Sent without a length (chunked): refused once past the bound, while the client has not
    // finished its body.
    let mut stream = raw(&server);
    write!(stream, "POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent <= max {
        write!(stream, "{:x}\r\n", chunk.len()).unwrap();
        stream.write_all(&chunk).unwrap();
        stream.write_all(b"\r\n").unwrap();
        sent += chunk.len();
    }
    let (status, body) = response(&mut stream);
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("input_too_large")));
}

#[test]
fn a_slow_client_is_cut_off() {
    let config =
        Config { request_timeout: Duration::from_secs(1), header_timeout: Duration::from_secs(1), ..Config::default() };
    let server = Server::start(config);
    // A body that never arrives: 408 with the coded error once the request's time is up.
    let started = Instant::now();
    let mut stream = raw(&server);
    write!(stream, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{\"certi").unwrap();
    let (status, body) = response(&mut stream);
    assert_eq!((status, body["error"]["code"].as_str()), (408, Some("request_timeout")));
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    // Headers that never end: the connection is closed.
    let started = Instant::now();
    let mut stream = raw(&server);
    write!(stream, "POST /v1/check HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    // The server still answers.
    assert_eq!(get(&server, "/v1/health").0, 200);
}

/// 200 requests at once, of several operations, each answered as the library answers it.
#[test]
fn concurrent_requests_are_answered_as_one_by_one() {
    let server = Server::start(Config::default());
    let rb = Rulebook::builtin().unwrap();
    let certificate: Value = serde_json::from_str(&certificate()).unwrap();
    let requests: Vec<(&str, String)> = (0..200)
        .map(|i| match i % 4 {
            0 => ("check", json!({ "certificate": certificate, "today": "2026-10-01" }).to_string()),
            1 => ("check", json!({ "certificate": certificate }).to_string()),
            2 => ("add_workdays", json!({ "date": "2026-09-30", "days": i }).to_string()),
            _ => ("check", "{\"certificate\": 1}".to_owned()),
        })
        .collect();
    let server = &server;
    let answers: Vec<(u16, Vec<u8>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = requests
            .iter()
            .map(|(op, request)| {
                scope.spawn(move || {
                    let (status, _, body) = post(server, &client(), &format!("/v1/{op}"), request, None);
                    (status, body)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((op, request), answer) in requests.iter().zip(answers) {
        assert_eq!(answer, in_process(op, request, &rb), "{op} {request:.100}");
    }
}
