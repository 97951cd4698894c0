//! `origo._native`: the Python face of [`origo::api::call`], its batch form and the `render` operation.
//!
//! `call` and `call_many` only convert strings and errors; every operation goes through the core's
//! JSON layer, so a new core operation needs no change there. `run` and `run_many` serve the
//! operations hosts run in bulk (`check`, `determine_origin`, `render`) without JSON text in
//! between: a dict is read straight into the typed request and the answer comes back as Python
//! objects. Each entry point releases the GIL while the core works and catches panics, so a bug
//! in origo surfaces as `OrigoError(code="internal_error")`.

mod objects;
mod typed;

use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// As in the CLI: a check makes a few hundred small allocations, which mimalloc serves faster
/// than the system allocator (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A rulebook: the built-in one or a host's directory. Immutable and shareable between threads.
#[pyclass(frozen, module = "origo._native", name = "Rulebook")]
struct Rulebook(Arc<origo::Rulebook>);

/// The rulebook `rulebook` names, or the built-in one, read once per process and shared.
fn rulebook_or_builtin(py: Python<'_>, rulebook: Option<&Bound<'_, Rulebook>>) -> PyResult<Arc<origo::Rulebook>> {
    static BUILTIN: OnceLock<Arc<origo::Rulebook>> = OnceLock::new();
    if let Some(r) = rulebook {
        return Ok(Arc::clone(&r.get().0));
    }
    if let Some(builtin) = BUILTIN.get() {
        return Ok(Arc::clone(builtin));
    }
    let built = Arc::new(guarded(py, origo::Rulebook::builtin)?);
    Ok(Arc::clone(BUILTIN.get_or_init(|| built)))
}

#[pymethods]
impl Rulebook {
    /// The rulebook embedded in this build.
    #[staticmethod]
    fn builtin(py: Python<'_>) -> PyResult<Self> {
        rulebook_or_builtin(py, None).map(Rulebook)
    }

    /// A rulebook directory of the same shape as the built-in one.
    #[staticmethod]
    fn from_dir(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guarded(py, move || origo::Rulebook::from_dir(&path)).map(|r| Rulebook(Arc::new(r)))
    }

    /// The rulebook's version string.
    #[getter]
    fn version(&self) -> &str {
        self.0.version()
    }

    fn __repr__(&self) -> String {
        format!("Rulebook(version={:?})", self.0.version())
    }
}

/// Runs operation `op` on a JSON request and returns the JSON answer; raises `OrigoError`.
#[pyfunction]
#[pyo3(signature = (op, request, rulebook=None))]
fn call(py: Python<'_>, op: String, request: String, rulebook: Option<&Bound<'_, Rulebook>>) -> PyResult<String> {
    let rulebook = rulebook_or_builtin(py, rulebook)?;
    guarded(py, move || {
        test_hook(&op);
        origo::api::call(&op, &request, &rulebook)
    })
}

/// Runs operation `op` on each JSON request, `jobs` at once (default: one per core), without the
/// GIL; returns each outcome, in order, as `{"ok": answer}` or `{"error": {...}}` text, so that one
/// unreadable request never ends the others. Raises `OrigoError` only for an unknown operation.
#[pyfunction]
#[pyo3(signature = (op, requests, jobs=None, rulebook=None))]
fn call_many(
    py: Python<'_>,
    op: String,
    requests: Vec<String>,
    jobs: Option<usize>,
    rulebook: Option<&Bound<'_, Rulebook>>,
) -> PyResult<Vec<String>> {
    let rulebook = rulebook_or_builtin(py, rulebook)?;
    guarded(py, move || {
        let entry = origo::api::entry(&op)?;
        let answers = origo::batch::call_many(entry, rulebook, requests.into_iter().map(Ok), jobs.unwrap_or(0))?;
        Ok(answers.map(|a| origo::api::envelope(a.outcome)).collect())
    })
}

/// Runs the `render` operation on a JSON request and returns the document's bytes (not base64).
#[pyfunction]
#[pyo3(signature = (request, rulebook=None))]
fn render<'py>(
    py: Python<'py>,
    request: String,
    rulebook: Option<&Bound<'_, Rulebook>>,
) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
    let rulebook = rulebook_or_builtin(py, rulebook)?;
    let bytes = guarded(py, move || {
        use origo::api::{render::Render, Operation};
        Ok(Render::run(origo::json::read(&request, rulebook.limits())?, &rulebook)?.bytes)
    })?;
    Ok(pyo3::types::PyBytes::new(py, &bytes))
}

/// Operation `__panic__` panics when `ORIGO_TEST_HOOKS=1`, so the tests can prove that a panic
/// reaches Python as `OrigoError`, in the very wheel that ships.
fn test_hook(op: &str) {
    if op == "__panic__" && std::env::var_os("ORIGO_TEST_HOOKS").is_some_and(|v| v == "1") {
        #[allow(clippy::panic)] // the whole point of the hook
        {
            panic!("test hook: deliberate panic");
        }
    }
}

/// Runs `f` without the GIL, turning a core error or a panic into `OrigoError`.
pub(crate) fn guarded<T: Send>(py: Python<'_>, f: impl FnOnce() -> origo::Result<T> + Send) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(origo_error(py, &e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let e = origo::Error::new(
                &origo::codes::INTERNAL_ERROR,
                "",
                format!("origo 内部错误，请报告：{what}"),
                format!("internal error in origo, please report it: {what}"),
            );
            Err(origo_error(py, &e))
        }
    }
}

/// Builds `origo.OrigoError` (defined in Python, with typed findings) from the core's error.
pub(crate) fn origo_error(py: Python<'_>, e: &origo::Error) -> PyErr {
    let json = serde_json::to_string(e).unwrap_or_default();
    let built = py
        .import("origo._types")
        .and_then(|m| m.getattr("OrigoError"))
        .and_then(|cls| cls.call_method1("_from_json", (json,)));
    match built {
        Ok(exc) => PyErr::from_value(exc),
        Err(import_failed) => import_failed,
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rulebook>()?;
    m.add_function(wrap_pyfunction!(call, m)?)?;
    m.add_function(wrap_pyfunction!(call_many, m)?)?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(typed::run, m)?)?;
    m.add_function(wrap_pyfunction!(typed::run_many, m)?)?;
    m.add_class::<typed::Answers>()?;
    m.add_class::<typed::Derived>()?;
    m.add("OPERATIONS", origo::api::OPERATIONS.iter().map(|op| op.name).collect::<Vec<_>>())?;
    Ok(())
}
