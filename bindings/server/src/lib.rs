//! origo over HTTP, for hosts in any language: every operation of `origo::api::OPERATIONS` at
//! `POST /v1/<operation>` (its request as the body, its answer as the response), the documents of
//! `render` and `render_reply_letter` as PDF, SVG or PNG bytes, and `GET /v1/health`,
//! `/v1/version` and `/v1/openapi.json` (generated from the operations' request schemas).
//!
//! Bad input is answered with the library's coded error, `{"error": {code, path, message}}`, and a
//! 4xx status ([`status`]); only a bug in origo answers 5xx. A body is refused past the rulebook's
//! `max_input_bytes` before it is read whole, and every request has a time bound, so a slow client
//! cannot hold the server. The work of an operation runs on the blocking pool, `jobs` at once, so
//! the async workers stay free to read and answer.

mod openapi;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, MethodRouter};
use axum::Router;
use http_body_util::BodyExt as _;
use origo::{api, codes, Error, Rulebook};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub use openapi::openapi;

/// How the server bounds its work; the size bound is the rulebook's `max_input_bytes`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Longest time one request may take, from reading its body to its answer.
    pub request_timeout: Duration,
    /// Longest time a client may take to send a request's headers (or between requests on one
    /// connection).
    pub header_timeout: Duration,
    /// Operations run at once; the default is one per core.
    pub jobs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

/// What every request handler shares.
#[derive(Debug)]
struct App {
    rulebook: Rulebook,
    config: Config,
    jobs: Arc<Semaphore>,
    openapi: String,
    version: String,
}

/// The routes of the service over `rulebook`, bounded as `config` says.
pub fn router(rulebook: Rulebook, config: Config) -> Router {
    let version = serde_json::json!({ "origo": env!("CARGO_PKG_VERSION"), "rulebook": rulebook.version() });
    let app = Arc::new(App {
        openapi: openapi(rulebook.version()).to_string(),
        version: version.to_string(),
        jobs: Arc::new(Semaphore::new(config.jobs.max(1))),
        rulebook,
        config,
    });
    Router::new()
        .route("/v1/health", read_only(|_| r#"{"status":"ok"}"#.to_owned()))
        .route("/v1/version", read_only(|app| app.version.clone()))
        .route("/v1/openapi.json", read_only(|app| app.openapi.clone()))
        .route("/v1/{operation}", any(operation))
        .fallback(|request: Request| async move { failure(&no_such_endpoint(request.method(), request.uri().path())) })
        .with_state(app)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|panic: Box<dyn std::any::Any + Send>| {
            failure(&internal(&panicked(&*panic)))
        }))
        .layer(axum::middleware::from_fn(log))
}

/// A `GET` endpoint answering the JSON text `answer` gives; other methods get `405`.
fn read_only(answer: fn(&App) -> String) -> MethodRouter<Arc<App>> {
    get(move |State(app): State<Arc<App>>| async move { json(StatusCode::OK, answer(&app)) })
        .fallback(|request: Request| async move { wrong_method(request.method(), request.uri().path(), "GET") })
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish.
/// Clients get `header_timeout` to send each request's headers.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
    tracing::info!("shutting down: waiting for open requests");
    graceful.shutdown().await;
}

/// Runs the service on `addr` until Ctrl-C or SIGTERM, logging one JSON line per request to stderr.
pub fn run(addr: SocketAddr, rulebook: Rulebook, config: Config) -> Result<(), Error> {
    let _ = tracing_subscriber::fmt().json().with_writer(std::io::stderr).with_target(false).try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(origo::api::OPERATION_STACK_BYTES)
        .build()
        .map_err(|e| unavailable(&addr, &format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| unavailable(&addr, &e.to_string()))?;
        let bound = listener.local_addr().map_or(addr, |a| a);
        tracing::info!(addr = %bound, rulebook = rulebook.version(), jobs = config.jobs, "origo serving");
        let header_timeout = config.header_timeout;
        serve(listener, router(rulebook, config), header_timeout, stopped()).await;
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM where there is one (a container being stopped).
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// The HTTP status of an error code: 400 for a request that cannot be read, 404 for an unknown
/// operation, 405, 408, 413 for a body past the bound, 422 for a readable request that cannot be
/// used (an unknown agreement, a date out of range), and 500 only for a bug in origo.
pub fn status(code: &str) -> StatusCode {
    const UNREADABLE: &[&origo::Code] = &[
        &codes::INVALID_JSON,
        &codes::INVALID_TYPE,
        &codes::INVALID_VALUE,
        &codes::MISSING_FIELD,
        &codes::UNKNOWN_FIELD,
        &codes::DUPLICATE_FIELD,
        &codes::UNKNOWN_VARIANT,
        &codes::INPUT_UNREADABLE,
        &codes::INPUT_TOO_DEEP,
        &codes::STRING_TOO_LONG,
        &codes::LIST_TOO_LONG,
        &codes::TOO_MANY_GOODS,
        &codes::TOO_MANY_MATERIALS,
        &codes::TOO_MANY_PRODUCTS,
    ];
    match code {
        c if c == codes::UNKNOWN_OPERATION.code => StatusCode::NOT_FOUND,
        c if c == codes::METHOD_NOT_ALLOWED.code => StatusCode::METHOD_NOT_ALLOWED,
        c if c == codes::REQUEST_TIMEOUT.code => StatusCode::REQUEST_TIMEOUT,
        c if c == codes::INPUT_TOO_LARGE.code => StatusCode::PAYLOAD_TOO_LARGE,
        c if c == codes::INTERNAL_ERROR.code => StatusCode::INTERNAL_SERVER_ERROR,
        c if UNREADABLE.iter().any(|u| u.code == c) => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// An operation's outcome, as the response carries it.
enum Answer {
    /// The answer's JSON text.
    Json(String),
    /// A drawn document.
    #[cfg(feature = "render")]
    Document(api::render::Rendered),
}

/// What the request log reads from a response: the operation answered and the error's code.
#[derive(Debug, Clone, Copy)]
struct Logged {
    operation: &'static str,
    code: Option<&'static str>,
}

/// `POST /v1/<operation>`.
async fn operation(State(app): State<Arc<App>>, request: Request) -> Response {
    let name = request.uri().path().trim_start_matches("/v1/").to_owned();
    let entry = match api::entry(&name) {
        Ok(entry) => entry,
        Err(e) if request.method() == Method::POST => return failure(&e),
        Err(_) => return failure(&no_such_endpoint(request.method(), request.uri().path())),
    };
    let mut response = if request.method() == Method::POST {
        let wants_json = accepts_json(request.headers());
        let limit = app.config.request_timeout;
        let outcome = tokio::time::timeout(limit, answer(&app, entry, request, wants_json))
            .await
            .unwrap_or_else(|_| Err(timed_out(limit)));
        match outcome {
            Ok(Answer::Json(text)) => json(StatusCode::OK, text),
            #[cfg(feature = "render")]
            Ok(Answer::Document(document)) => {
                ([(header::CONTENT_TYPE, HeaderValue::from_static(document.media_type))], document.bytes)
                    .into_response()
            }
            Err(e) => failure(&e),
        }
    } else {
        wrong_method(request.method(), request.uri().path(), "POST")
    };
    let code = response.extensions().get::<Logged>().and_then(|l| l.code);
    response.extensions_mut().insert(Logged { operation: entry.name, code });
    response
}

/// Reads the body within the bound and runs the operation on the blocking pool.
async fn answer(
    app: &Arc<App>,
    entry: &'static api::Entry,
    request: Request,
    wants_json: bool,
) -> Result<Answer, Error> {
    let max = app.rulebook.limits().max_input_bytes;
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let text = read_body(declared, request.into_body(), max).await?;
    let permit = app.jobs.clone().acquire_owned().await.map_err(|_| internal("the job queue is closed"))?;
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        run_operation(entry, &text, &app.rulebook, wants_json)
    })
    .await
    .unwrap_or_else(|e| {
        let why = e.try_into_panic().map_or_else(|e| e.to_string(), |panic| panicked(&*panic));
        Err(internal(&why))
    })
}

/// What a panic said, for the log.
fn panicked(panic: &(dyn std::any::Any + Send)) -> String {
    let what =
        panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
    format!("panic: {}", what.unwrap_or_default())
}

/// Runs one operation: the document itself for the drawing operations (unless JSON is asked
/// for), the JSON answer of `api::call` otherwise.
#[cfg_attr(not(feature = "render"), allow(unused_variables))]
fn run_operation(entry: &api::Entry, text: &str, rulebook: &Rulebook, wants_json: bool) -> Result<Answer, Error> {
    #[cfg(feature = "render")]
    if !wants_json {
        use api::render::Render;
        use api::render_reply_letter::RenderReplyLetter;
        use api::Operation as _;
        if entry.name == Render::NAME {
            return document::<Render>(text, rulebook);
        }
        if entry.name == RenderReplyLetter::NAME {
            return document::<RenderReplyLetter>(text, rulebook);
        }
    }
    entry.call(text, rulebook).map(Answer::Json)
}

/// Runs a drawing operation to its document.
#[cfg(feature = "render")]
fn document<O>(text: &str, rulebook: &Rulebook) -> Result<Answer, Error>
where
    O: for<'r> api::Operation<Answer<'r> = api::render::Rendered>,
{
    O::run(origo::json::read(text, rulebook.limits())?, rulebook).map(Answer::Document)
}

/// Whether the client asks for JSON rather than a document (`Accept: application/json`).
fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")))
}

/// The body as text, refused once it passes `max` bytes: a declared length past the bound is
/// refused before a byte is read, and a body sent without one is read at most `max` bytes far.
async fn read_body(declared: Option<u64>, mut body: Body, max: usize) -> Result<String, Error> {
    if declared.is_some_and(|n| n > u64::try_from(max).unwrap_or(u64::MAX)) {
        return Err(too_large(max));
    }
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            Error::new(
                &codes::INPUT_UNREADABLE,
                "",
                format!("无法读取请求体：{e}"),
                format!("cannot read the request body: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len().saturating_add(data.len()) > max {
                return Err(too_large(max));
            }
            bytes.extend_from_slice(&data);
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            &codes::INVALID_JSON,
            "",
            format!("请求体不是 UTF-8 文本：{e}"),
            format!("the request body is not UTF-8 text: {e}"),
        )
    })
}

fn too_large(max: usize) -> Error {
    Error::new(
        &codes::INPUT_TOO_LARGE,
        "",
        format!("请求体超过上限 {max} 字节"),
        format!("the request body is larger than the bound of {max} bytes"),
    )
}

fn timed_out(limit: Duration) -> Error {
    let seconds = limit.as_secs();
    Error::new(
        &codes::REQUEST_TIMEOUT,
        "",
        format!("请求未在 {seconds} 秒内完成"),
        format!("the request did not complete within {seconds} s"),
    )
}

/// `405` with the method the path takes.
fn wrong_method(method: &Method, path: &str, allowed: &'static str) -> Response {
    let mut response = failure(&Error::new(
        &codes::METHOD_NOT_ALLOWED,
        "",
        format!("`{path}` 须以 {allowed} 调用，而非 {method}"),
        format!("`{path}` takes {allowed}, not {method}"),
    ));
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
}

fn no_such_endpoint(method: &Method, path: &str) -> Error {
    let names: Vec<&str> = api::OPERATIONS.iter().map(|e| e.name).collect();
    Error::new(
        &codes::UNKNOWN_OPERATION,
        "",
        format!(
            "没有 `{method} {path}`：操作为 POST /v1/<操作>（{}），另有 GET /v1/health、/v1/version、/v1/openapi.json",
            names.join("、")
        ),
        format!(
            "no `{method} {path}`: operations are at POST /v1/<operation> ({}), besides GET /v1/health, /v1/version and /v1/openapi.json",
            names.join(", ")
        ),
    )
}

/// A bug in origo, told without its internals.
fn internal(what: &str) -> Error {
    tracing::error!(what, "internal error");
    Error::new(
        &codes::INTERNAL_ERROR,
        "",
        "origo 内部错误，请报告（详见服务日志）",
        "internal error in origo, please report it (the server log has the details)",
    )
}

fn unavailable(addr: &SocketAddr, why: &str) -> Error {
    Error::new(
        &codes::ADDRESS_UNAVAILABLE,
        "addr",
        format!("无法在 {addr} 提供服务：{why}"),
        format!("cannot serve on {addr}: {why}"),
    )
}

fn json(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], text).into_response()
}

/// The error as `{"error": {code, path, message}}` with its status.
fn failure(error: &Error) -> Response {
    let mut response = json(status(error.code), api::envelope(Err(error.clone())));
    response.extensions_mut().insert(Logged { operation: "", code: Some(error.code) });
    response
}

/// One log line per request: method, path, operation, status, error code and duration.
#[allow(clippy::disallowed_methods, reason = "the log says how long a request took; answers never depend on time")]
async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let logged = response.extensions().get::<Logged>().copied();
    tracing::info!(
        %method,
        path,
        operation = logged.map_or("", |l| l.operation),
        status = response.status().as_u16(),
        code = logged.and_then(|l| l.code).unwrap_or(""),
        duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bad input is never a 5xx: every error code but `internal_error` maps to a 4xx status.
    #[test]
    fn only_a_bug_is_a_server_error() {
        for entry in origo::catalogue::entries().iter().filter(|e| e.kind == "error") {
            let status = status(entry.code);
            if entry.code == codes::INTERNAL_ERROR.code {
                assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
            } else {
                assert!(status.is_client_error(), "{} → {status}", entry.code);
            }
        }
    }

    #[test]
    fn json_is_asked_for_by_accept() {
        let mut headers = HeaderMap::new();
        assert!(!accepts_json(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/pdf, application/json;q=0.5"));
        assert!(accepts_json(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert!(!accepts_json(&headers));
    }
}
