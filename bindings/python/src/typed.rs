//! The bulk operations without JSON text: a dict is read straight into the typed request (serde
//! over the Python objects), the answer is handed back as Python objects, and batches run in a
//! sliding window of the core's [`Pipeline`] while the GIL is free for other threads.
//!
//! A request the typed reading cannot take (a `Decimal` or `date` object, a typed result, a
//! wrong or missing field) is encoded to JSON text by the `encode` callable and read by the
//! core's JSON layer instead, so every value the contract accepts is accepted and every error has
//! the code, path and message the JSON layer gives. JSON text (`str` or `bytes`) is read by the
//! JSON layer as it is.

use crate::{guarded, objects, origo_error, rulebook_or_builtin, Rulebook};
use origo::api::check::{Check, CheckRequest};
use origo::api::determine_origin::{DetermineOrigin, DetermineRequest};
use origo::api::render::{Render, RenderRequest};
use origo::api::Operation;
use origo::batch::{Answer, Pipeline};
use origo::rulebook::Limits;
use origo::{codes, Error};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::sync::Mutex;

/// The operations served here.
#[derive(Debug, Clone, Copy)]
enum Op {
    Check,
    DetermineOrigin,
    Render,
}

impl Op {
    fn named(name: &str) -> PyResult<Op> {
        match name {
            "check" => Ok(Op::Check),
            "determine_origin" => Ok(Op::DetermineOrigin),
            "render" => Ok(Op::Render),
            _ => Err(PyTypeError::new_err(format!(
                "run takes check, determine_origin or render, not {name:?}; use call for the others"
            ))),
        }
    }
}

/// A request as it reaches a worker: typed already, or JSON text for the core's reader.
enum Request {
    Check(Box<CheckRequest>),
    DetermineOrigin(Box<DetermineRequest>),
    Render(Box<RenderRequest>),
    Text(String),
}

/// An answer before it becomes Python objects.
enum Output {
    Report(Box<origo::Report>),
    Determination(Box<origo::origin::Determination>),
    Document(Vec<u8>),
}

/// Reads one Python request (with the GIL): typed from a dict, or JSON text.
fn read(op: Op, request: &Bound<'_, PyAny>, encode: &Bound<'_, PyAny>, limits: &Limits) -> PyResult<Request> {
    if let Ok(text) = request.cast::<PyString>() {
        return text_of(text).map(Request::Text);
    }
    if let Ok(bytes) = request.cast::<PyBytes>() {
        return match std::str::from_utf8(bytes.as_bytes()) {
            Ok(text) => Ok(Request::Text(text.to_string())),
            Err(e) => Err(unreadable_text(request.py(), &e.to_string())),
        };
    }
    let typed = match op {
        Op::Check => objects::read(request, limits).map(|r| Request::Check(Box::new(r))),
        Op::DetermineOrigin => objects::read(request, limits).map(|r| Request::DetermineOrigin(Box::new(r))),
        Op::Render => objects::read(request, limits).map(|r| Request::Render(Box::new(r))),
    };
    match typed {
        Ok(typed) => Ok(typed),
        Err(_) => text_of(encode.call1((request,))?.cast::<PyString>()?).map(Request::Text),
    }
}

/// The request's text, or `OrigoError(input_unreadable)` for a string with a lone surrogate,
/// which has no UTF-8 form.
fn text_of(text: &Bound<'_, PyString>) -> PyResult<String> {
    text.to_cow().map(std::borrow::Cow::into_owned).map_err(|e| unreadable_text(text.py(), &e.to_string()))
}

/// The error of a request that is not text the core can read.
fn unreadable_text(py: Python<'_>, why: &str) -> PyErr {
    let e = Error::new(
        &codes::INPUT_UNREADABLE,
        "",
        format!("请求不是 UTF-8 文本：{why}"),
        format!("the request is not UTF-8 text: {why}"),
    );
    origo_error(py, &e)
}

/// Runs one request (without the GIL).
fn run_one(op: Op, request: Request, rulebook: &origo::Rulebook) -> origo::Result<Output> {
    let limits = rulebook.limits();
    let request = match request {
        Request::Text(text) => match op {
            Op::Check => Request::Check(Box::new(origo::json::read(&text, limits)?)),
            Op::DetermineOrigin => Request::DetermineOrigin(Box::new(origo::json::read(&text, limits)?)),
            Op::Render => Request::Render(Box::new(origo::json::read(&text, limits)?)),
        },
        typed => typed,
    };
    match request {
        Request::Check(r) => Check::run(*r, rulebook).map(|r| Output::Report(Box::new(r))),
        Request::DetermineOrigin(r) => DetermineOrigin::run(*r, rulebook).map(|d| Output::Determination(Box::new(d))),
        Request::Render(r) => Render::run(*r, rulebook).map(|d| Output::Document(d.bytes)),
        // Never: text was read above.
        Request::Text(_) => Err(Error::new(&codes::INTERNAL_ERROR, "", "请求未读取", "the request was not read")),
    }
}

/// The values a check derived, kept as Rust data until Python first reads them: a bulk re-check
/// that looks only at `ok` and the findings never pays for their few hundred Python objects,
/// which took about a third of a 20-item check's time in Python (BENCHMARKS.md).
///
/// Two handles are equal when their dicts would be, so comparing reports builds neither dict.
#[pyclass(frozen, eq, module = "origo._native", name = "Derived")]
pub struct Derived(origo::Derived);

impl PartialEq for Derived {
    /// Compared as their JSON text, not as Rust values: an amount is a number to Rust (`32400.0`
    /// equals `32400.00`) but text, written as given, in the dict.
    fn eq(&self, other: &Derived) -> bool {
        match (origo::json::write(&self.0), origo::json::write(&other.0)) {
            (Ok(mine), Ok(theirs)) => mine == theirs,
            _ => false,
        }
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Derived").field("item_count", &self.0.item_count).finish_non_exhaustive()
    }
}

#[pymethods]
impl Derived {
    /// The derived values as a new dict, in the JSON contract's shape.
    fn to_python(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?.unbind())
    }
}

/// The answer as Python objects (with the GIL): a dict for a report (its `derived` a [`Derived`]
/// handle) or a decision, bytes for a document.
fn to_python(py: Python<'_>, output: Output) -> PyResult<Py<PyAny>> {
    let object = match output {
        Output::Report(mut report) => {
            let derived = std::mem::take(&mut report.derived);
            let object = pythonize::pythonize(py, &*report)?;
            object.cast::<PyDict>()?.set_item("derived", Derived(derived))?;
            object
        }
        Output::Determination(decision) => pythonize::pythonize(py, &*decision)?,
        Output::Document(bytes) => PyBytes::new(py, &bytes).into_any(),
    };
    Ok(object.unbind())
}

/// Runs `op` (check, determine_origin or render) on one request: a dict of the request's fields
/// or its JSON text (`str` or `bytes`). Returns the report or decision as a dict (a report's
/// `derived` as a `Derived` handle), the document as bytes; raises `OrigoError`. `encode` turns a dict the typed reading cannot take into JSON text.
#[pyfunction]
#[pyo3(signature = (op, request, encode, rulebook=None))]
pub fn run(
    py: Python<'_>,
    op: &str,
    request: &Bound<'_, PyAny>,
    encode: &Bound<'_, PyAny>,
    rulebook: Option<&Bound<'_, Rulebook>>,
) -> PyResult<Py<PyAny>> {
    let op = Op::named(op)?;
    let rulebook = rulebook_or_builtin(py, rulebook)?;
    let request = read(op, request, encode, rulebook.limits())?;
    let output = guarded(py, move || run_one(op, request, &rulebook))?;
    to_python(py, output)
}

/// Runs `op` on each request of an iterable, `jobs` at once (default: one per core): an iterator
/// of the answers in input order, each the answer as `run` gives it or the `OrigoError` of that
/// request (yielded, not raised). The iterable is read lazily, a sliding window ahead.
#[pyfunction]
#[pyo3(signature = (op, requests, encode, jobs=None, rulebook=None))]
pub fn run_many(
    py: Python<'_>,
    op: &str,
    requests: &Bound<'_, PyAny>,
    encode: Py<PyAny>,
    jobs: Option<usize>,
    rulebook: Option<&Bound<'_, Rulebook>>,
) -> PyResult<Answers> {
    let op = Op::named(op)?;
    let rulebook = rulebook_or_builtin(py, rulebook)?;
    let limits = rulebook.limits().clone();
    let pipeline = guarded(py, move || Pipeline::new(jobs.unwrap_or(0), move |r| run_one(op, r, &rulebook)))?;
    Ok(Answers {
        op,
        limits,
        requests: requests.try_iter()?.into_any().unbind(),
        encode,
        state: Mutex::new(State { pipeline, read_all: false }),
    })
}

/// The answers of `run_many`, in input order.
#[pyclass(module = "origo._native")]
pub struct Answers {
    op: Op,
    limits: Limits,
    requests: Py<PyAny>,
    encode: Py<PyAny>,
    state: Mutex<State>,
}

/// Answers dropped unread (a loop left early) wait for the requests still running: without the
/// GIL, so that Python's other threads go on meanwhile.
impl Drop for Answers {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        Python::attach(|py| py.detach(|| state.pipeline.close()));
    }
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers").field("op", &self.op).finish_non_exhaustive()
    }
}

struct State {
    pipeline: Pipeline<Request, Output>,
    read_all: bool,
}

#[pymethods]
impl Answers {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        // Another thread in this very iterator would wait for the lock holding the GIL, while
        // this one needs the GIL to hand its answer over: refused, as a running generator is.
        let mut state =
            self.state.try_lock().map_err(|_| PyValueError::new_err("the answers are already being read"))?;
        let requests = self.requests.bind(py);
        let encode = self.encode.bind(py);
        while !state.read_all && !state.pipeline.is_full() {
            let Some(request) = requests.call_method0("__next__").map(Some).or_else(|e| {
                if e.is_instance_of::<pyo3::exceptions::PyStopIteration>(py) {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?
            else {
                state.read_all = true;
                break;
            };
            let request = match read(self.op, &request, encode, &self.limits) {
                Ok(request) => Ok(request),
                // An `OrigoError` from encoding is the answer of that request alone.
                Err(e) if e.is_instance(py, &py.import("origo._types")?.getattr("OrigoError")?) => {
                    Err(unreadable(py, &e))
                }
                Err(e) => return Err(e),
            };
            state.pipeline.submit(request);
        }
        let pipeline = &mut state.pipeline;
        let answer: Option<Answer<Output>> = py.detach(|| pipeline.next_answer());
        match answer {
            None => Ok(None),
            Some(Answer { outcome: Ok(output), .. }) => to_python(py, output).map(Some),
            Some(Answer { outcome: Err(e), .. }) => Ok(Some(origo_error(py, &e).into_value(py).into_any())),
        }
    }
}

/// The core's error for an `OrigoError` raised while reading a request: encoding it, or taking its
/// text (its code, path, message).
fn unreadable(py: Python<'_>, e: &PyErr) -> Error {
    let value = e.value(py);
    let text = |name: &str| value.getattr(name).and_then(|v| v.extract::<String>()).unwrap_or_default();
    let raised = text("code");
    let code = [&codes::INVALID_TYPE, &codes::INPUT_UNREADABLE]
        .into_iter()
        .find(|c| c.code == raised)
        .unwrap_or(&codes::INVALID_VALUE);
    Error::new(code, text("path"), text("message_zh"), text("message_en"))
}
