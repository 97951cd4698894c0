//! Batches: one operation over a stream of requests (JSONL text or typed), in parallel.
//!
//! Not an operation of [`api::OPERATIONS`](crate::api::OPERATIONS) but a way to run any of them
//! many times. A [`Pipeline`] keeps a sliding window of requests in flight across a pool of
//! threads and gives the answers back in input order: as soon as the oldest answer is taken, one
//! more request may enter, so a slow request holds back only the answers after it (at most a
//! window of them), never the threads. A taker that has to wait gathers answers that come back
//! quickly, for at most 2 ms once the one it needs is back. Memory is bounded by the window (each
//! request by the rulebook's input bound, which [`Lines`] applies while reading), not by the size
//! of the batch. Dropping a pipeline runs none of its queued requests and waits for the running
//! ones; its threads then wait a while for the process's next pipeline instead of ending.
//! [`Batch`] drives a pipeline from an iterator. A request that cannot be read or used, or whose
//! run panics, is an [`Error`] in its own [`Answer`], with its line number; it never ends the batch.

use crate::api::{self, Entry};
use crate::error::{codes, Error, Result};
use crate::rulebook::Rulebook;
use std::collections::VecDeque;
use std::io::BufRead;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

/// Requests in flight per thread: enough to keep every thread busy while one request is slow,
/// few enough that a window of the largest requests stays small.
const WINDOW_PER_JOB: usize = 64;

/// A taker that must wait, once the answer it needs is back, waits up to [`PATIENCE`] more for
/// this many answers in all (at most a quarter of the window), so that quick answers come back
/// together: waking it for each answer cost a thread switch per request, a sixth of a check's time.
const GATHER: usize = 16;

/// How long an answer that is back may wait for the others of its gather: a slow request behind
/// it holds it back no longer than this.
const PATIENCE: Duration = Duration::from_millis(2);

/// The answer to the request on one line: the operation's answer, or why that line failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    /// The request's line, from 1.
    pub line: usize,
    /// The answer, or the error of this line alone.
    pub outcome: Result<T>,
}

impl Answer<String> {
    /// The answer as one JSONL line (without the newline): the operation's answer as it is, or
    /// `{"line": n, "error": {code, path, message}}`.
    pub fn to_line(&self) -> String {
        match &self.outcome {
            Ok(text) => text.clone(),
            Err(e) => error_line(self.line, e),
        }
    }
}

/// The JSONL line of a request that failed: `{"line": n, "error": {code, path, message}}`.
pub fn error_line(line: usize, error: &Error) -> String {
    #[derive(serde::Serialize)]
    struct Failed<'a> {
        line: usize,
        error: &'a Error,
    }
    // An `Error` is strings and a number: writing it cannot fail, but a bug is still an answer.
    api::answer(&Failed { line, error }).unwrap_or_else(|_| format!("{{\"line\":{line},\"error\":null}}"))
}

/// What a pipeline runs on each request.
type Run<R, T> = dyn Fn(R) -> Result<T> + Send + Sync;

/// Requests submitted one by one, run `jobs` at a time, answers taken back in submission order.
///
/// The caller keeps at most [`window`](Pipeline::is_full) requests in flight: it submits while
/// the pipeline is not full and takes the next answer otherwise. Dropping it waits for the
/// requests running ([`Pipeline::close`]).
pub struct Pipeline<R, T> {
    run: Arc<Run<R, T>>,
    workers: Workers,
    window: usize,
    arrivals: Arc<Arrivals<T>>,
    /// The answers from `taken` on, in order; `None` while still running.
    arrived: VecDeque<Option<Result<T>>>,
    submitted: usize,
    taken: usize,
}

impl<R, T> std::fmt::Debug for Pipeline<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("window", &self.window)
            .field("submitted", &self.submitted)
            .field("taken", &self.taken)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static, T: Send + 'static> Pipeline<R, T> {
    /// A pipeline of `jobs` threads (0: one per core) running `run`, with a window of 64 requests
    /// per thread. Fails only if the threads cannot be started.
    pub fn new(jobs: usize, run: impl Fn(R) -> Result<T> + Send + Sync + 'static) -> Result<Self> {
        let workers = Workers::start(jobs)?;
        let window = workers.threads.saturating_mul(WINDOW_PER_JOB);
        Ok(Pipeline {
            run: Arc::new(run),
            workers,
            window,
            arrivals: Arc::new(Arrivals::default()),
            arrived: VecDeque::new(),
            submitted: 0,
            taken: 0,
        })
    }

    /// At most `window` requests in flight (at least 1) instead of 64 per thread.
    pub fn with_window(mut self, window: usize) -> Self {
        self.window = window.max(1);
        self
    }

    /// Whether a window of requests is submitted and not yet taken back.
    pub fn is_full(&self) -> bool {
        self.in_flight() >= self.window
    }

    /// Requests submitted whose answers were not taken yet.
    pub fn in_flight(&self) -> usize {
        self.submitted - self.taken
    }

    /// Starts the next request (line `submitted + 1`); an `Err` is its answer as it is.
    pub fn submit(&mut self, request: Result<R>) {
        let index = self.submitted;
        self.submitted += 1;
        match request {
            Err(e) => self.arrived.push_back(Some(Err(e))),
            Ok(request) => {
                self.arrived.push_back(None);
                let run = Arc::clone(&self.run);
                let arrivals = Arc::clone(&self.arrivals);
                self.workers.run(Box::new(move || {
                    // Nobody will take the answers of a dropped pipeline: its queued requests are
                    // not run (a batch abandoned midway renders no more documents).
                    if arrivals.is_closed() {
                        return;
                    }
                    let outcome =
                        catch_unwind(AssertUnwindSafe(|| run(request))).unwrap_or_else(|p| Err(panicked(&*p)));
                    arrivals.hand_back(index, outcome);
                }));
            }
        }
    }

    /// The oldest answer not yet taken if it has arrived, without waiting.
    pub fn try_next(&mut self) -> Option<Answer<T>> {
        let arrived = std::mem::take(&mut self.arrivals.lock().answers);
        self.arrive(arrived);
        self.pop()
    }

    /// The oldest answer not yet taken, waiting for it; `None` when nothing is in flight or the
    /// pipeline is closed.
    pub fn next_answer(&mut self) -> Option<Answer<T>> {
        if self.in_flight() == 0 || self.arrivals.is_closed() {
            return None;
        }
        if let Some(answer) = self.try_next() {
            return Some(answer);
        }
        // Every answer still missing is running on a thread and will come back.
        let running = self.arrived.iter().filter(|slot| slot.is_none()).count();
        let gather = GATHER.min(self.window / 4).clamp(1, running.max(1));
        let arrived = self.arrivals.wait_for(self.taken, gather, PATIENCE);
        self.arrive(arrived);
        self.pop()
    }

    fn arrive(&mut self, arrived: Vec<(usize, Result<T>)>) {
        for (index, outcome) in arrived {
            if let Some(slot) = index.checked_sub(self.taken).and_then(|i| self.arrived.get_mut(i)) {
                *slot = Some(outcome);
            }
        }
    }

    fn pop(&mut self) -> Option<Answer<T>> {
        if !matches!(self.arrived.front(), Some(Some(_))) {
            return None;
        }
        let outcome = self.arrived.pop_front().flatten()?;
        self.taken += 1;
        Some(Answer { line: self.taken, outcome })
    }
}

/// The answers the threads hand back, and when to wake the pipeline's taker waiting for them.
struct Arrivals<T> {
    state: Mutex<Arrived<T>>,
    woken: Condvar,
    /// The pipeline was dropped: its queued requests are not run, their answers not kept.
    closed: AtomicBool,
}

struct Arrived<T> {
    /// Answers back since the taker last looked, by request index.
    answers: Vec<(usize, Result<T>)>,
    /// While the taker waits: the index of the answer it needs, and how many answers it gathers.
    waiting: Option<(usize, usize)>,
    /// Whether the answer the taker needs is among `answers`.
    needed_is_back: bool,
}

impl<T> Default for Arrivals<T> {
    fn default() -> Self {
        Arrivals {
            state: Mutex::new(Arrived { answers: Vec::new(), waiting: None, needed_is_back: false }),
            woken: Condvar::new(),
            closed: AtomicBool::new(false),
        }
    }
}

impl<T> Arrivals<T> {
    /// The state; a thread that panicked holding it left it whole (it only pushes or takes).
    fn lock(&self) -> MutexGuard<'_, Arrived<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.lock().answers.clear();
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Keeps an answer; wakes the taker when it is the one it needs, and again once the gather
    /// is complete. The lock is let go before the wake: a taker woken while it was still held ran
    /// at once, found it held and slept again, and the other thread, handing back its own answer
    /// meanwhile, slept behind it: the two cores of a two-thread batch were idle 13-17 % of the
    /// time (8 % with the wake after the lock).
    fn hand_back(&self, index: usize, outcome: Result<T>) {
        let mut state = self.lock();
        if self.is_closed() {
            return;
        }
        state.answers.push((index, outcome));
        let wake = match state.waiting {
            Some((needed, _)) if index == needed => {
                state.needed_is_back = true;
                true
            }
            Some((_, gather)) if state.needed_is_back && state.answers.len() >= gather => {
                state.waiting = None;
                true
            }
            _ => false,
        };
        drop(state);
        if wake {
            self.woken.notify_one();
        }
    }

    /// Waits until answer `needed` is back, then up to `patience` more until `gather` answers in
    /// all are back, and takes those that are.
    fn wait_for(&self, needed: usize, gather: usize, patience: Duration) -> Vec<(usize, Result<T>)> {
        let mut state = self.lock();
        state.needed_is_back = state.answers.iter().any(|(index, _)| *index == needed);
        state.waiting = Some((needed, gather));
        while !state.needed_is_back {
            state = self.woken.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.answers.len() < gather {
            state = match self.woken.wait_timeout_while(state, patience, |s| s.answers.len() < gather) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        state.waiting = None;
        std::mem::take(&mut state.answers)
    }
}

impl<R, T> Pipeline<R, T> {
    /// Runs none of the queued requests and waits for those running, whose answers are dropped;
    /// the threads are then idle, ready for the process's next pipeline. Dropping the pipeline
    /// does the same (a host holding a lock others need meanwhile closes it without the lock).
    pub fn close(&mut self) {
        self.arrivals.close();
        self.workers.stop();
    }
}

impl<R, T> Drop for Pipeline<R, T> {
    fn drop(&mut self) {
        self.close();
    }
}

/// One request's run, with the sending of its answer.
type Job = Box<dyn FnOnce() + Send>;

/// A pipeline's jobs as its threads take them, and how each says it is done with them.
#[derive(Clone)]
struct Queue {
    jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
    /// Sent once by each thread when the jobs have ended and it is idle.
    done: mpsc::Sender<()>,
}

/// How long a thread whose pipeline has ended waits for another before it ends.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Threads whose pipeline has ended, waiting up to [`KEEP_ALIVE`] to serve the next one: starting
/// fresh threads for each batch of 1,024 checks cost about 8 % of a two-thread batch (thread start,
/// cold caches, an empty allocator heap), and hosts run batches one after another (a partition at
/// a time on a cluster). Each is listed with its process: after a `fork` the child holds the
/// parent's list but not its threads, so it starts its own.
static IDLE: Mutex<Vec<(u32, ThreadId, mpsc::Sender<Queue>)>> = Mutex::new(Vec::new());

/// The threads that run a pipeline's requests, each with [`OPERATION_STACK_BYTES`] of stack.
/// Plain threads, not a rayon pool: Typst renders in parallel on rayon, and a rayon worker that
/// waits for that work runs other queued jobs of its own pool on its stack meanwhile, so renders
/// nested in renders until the stack overflowed (64 queued PDFs did, in an unoptimised build).
/// Dropping them ends the queue and waits until each thread has finished the job in hand and
/// is idle (in [`IDLE`]), ready for the next pipeline.
///
/// [`OPERATION_STACK_BYTES`]: crate::api::OPERATION_STACK_BYTES
struct Workers {
    /// `None` once stopped.
    queue: Option<mpsc::Sender<Job>>,
    /// Threads serving the queue and not yet idle.
    threads: usize,
    /// One message from each thread once it is idle.
    done: mpsc::Receiver<()>,
    /// The process that started the threads: a child after `fork` has none of them to wait for.
    process: u32,
}

impl Workers {
    /// `jobs` threads (0: one per core): idle ones of this process first, new ones for the rest.
    fn start(jobs: usize) -> Result<Workers> {
        let threads = match jobs {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            n => n,
        };
        let (sender, jobs_in) = mpsc::channel::<Job>();
        let (done_out, done) = mpsc::channel();
        let queue = Queue { jobs: Arc::new(Mutex::new(jobs_in)), done: done_out };
        let mut started = 0;
        while started < threads {
            match idle_thread() {
                // Taken under the list's lock, a thread waits for its queue (`wait_idle`); should
                // it be gone all the same, take the next.
                Some(thread) => {
                    if thread.send(queue.clone()).is_ok() {
                        started += 1;
                    }
                }
                None => {
                    spawn(queue.clone()).map_err(|e| {
                        Error::new(
                            &codes::INTERNAL_ERROR,
                            "",
                            format!("无法启动 {threads} 个线程：{e}"),
                            format!("cannot start {threads} threads: {e}"),
                        )
                    })?;
                    started += 1;
                }
            }
        }
        Ok(Workers { queue: Some(sender), threads, done, process: std::process::id() })
    }

    /// Queues `job`; runs it here should every thread be gone, or the workers be stopped.
    fn run(&self, job: Job) {
        match &self.queue {
            Some(queue) => {
                if let Err(mpsc::SendError(job)) = queue.send(job) {
                    job();
                }
            }
            None => job(),
        }
    }

    /// Ends the queue and waits until every thread has finished its job and is idle.
    fn stop(&mut self) {
        self.queue = None;
        if std::process::id() != self.process {
            return;
        }
        while self.threads > 0 {
            // An `Err`: every thread's sender is gone, none is left running.
            if self.done.recv().is_err() {
                break;
            }
            self.threads -= 1;
        }
    }
}

/// The list of idle threads; a thread that panicked holding it left it whole (it only pushes or pops).
fn idle() -> MutexGuard<'static, Vec<(u32, ThreadId, mpsc::Sender<Queue>)>> {
    IDLE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An idle thread of this process, if there is one (those of a parent process are dropped).
fn idle_thread() -> Option<mpsc::Sender<Queue>> {
    let mut idle = idle();
    let process = std::process::id();
    idle.retain(|(owner, _, _)| *owner == process);
    idle.pop().map(|(_, _, thread)| thread)
}

/// A new thread serving `queue`, then the queues handed to it while it is idle.
fn spawn(queue: Queue) -> std::io::Result<()> {
    std::thread::Builder::new().name("origo-batch".to_string()).stack_size(crate::api::OPERATION_STACK_BYTES).spawn(
        move || {
            let mut queue = queue;
            loop {
                while let Some(job) = queue.jobs.lock().ok().and_then(|jobs| jobs.recv().ok()) {
                    job();
                }
                match wait_idle(queue.done) {
                    Some(next) => queue = next,
                    None => return,
                }
            }
        },
    )?;
    Ok(())
}

/// Lists this thread in [`IDLE`], says so through `done`, and waits up to [`KEEP_ALIVE`] for the
/// next queue; `None`: the thread ends.
fn wait_idle(done: mpsc::Sender<()>) -> Option<Queue> {
    let me = std::thread::current().id();
    let (thread, next) = mpsc::channel();
    idle().push((std::process::id(), me, thread));
    // Nobody waits when the pipeline failed to start all its threads: nothing to say then.
    let _ = done.send(());
    drop(done);
    if let Ok(queue) = next.recv_timeout(KEEP_ALIVE) {
        return Some(queue);
    }
    let mut idle = idle();
    let listed = idle.len();
    idle.retain(|(_, id, _)| *id != me);
    if idle.len() < listed {
        return None;
    }
    // A pipeline took this thread from the list as the wait ended: its queue is on the way.
    drop(idle);
    next.recv().ok()
}

/// The `internal_error` of a request whose run panicked: a bug in origo, reported for that line.
fn panicked(payload: &(dyn std::any::Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Error::new(
        &codes::INTERNAL_ERROR,
        "",
        format!("origo 内部错误，请报告：{what}"),
        format!("internal error in origo, please report it: {what}"),
    )
}

/// The answers of a [`Pipeline`] over an iterator of requests, in order. Dropping it waits for the
/// requests running, as the pipeline's drop does.
#[derive(Debug)]
pub struct Batch<I, R, T> {
    requests: I,
    pipeline: Pipeline<R, T>,
    read_all: bool,
}

impl<I, R, T> Batch<I, R, T>
where
    I: Iterator<Item = Result<R>>,
    R: Send + 'static,
    T: Send + 'static,
{
    /// A batch running `run` on each request, `jobs` threads at a time (0: one per core); an `Err`
    /// request (a line that could not be read) is answered with its error as it is. Fails only if
    /// the threads cannot be started.
    pub fn new(requests: I, jobs: usize, run: impl Fn(R) -> Result<T> + Send + Sync + 'static) -> Result<Self> {
        Ok(Batch { requests, pipeline: Pipeline::new(jobs, run)?, read_all: false })
    }

    /// At most `window` requests in flight (at least 1) instead of 64 per thread.
    pub fn with_window(mut self, window: usize) -> Self {
        self.pipeline = self.pipeline.with_window(window);
        self
    }

    /// Submits requests until the window is full or the input ends.
    fn fill(&mut self) {
        while !self.read_all && !self.pipeline.is_full() {
            match self.requests.next() {
                Some(request) => self.pipeline.submit(request),
                None => self.read_all = true,
            }
        }
    }

    /// The next answer if it is ready, without waiting (the window is topped up first).
    pub fn try_next(&mut self) -> Option<Answer<T>> {
        self.fill();
        self.pipeline.try_next()
    }
}

impl<I, R, T> Iterator for Batch<I, R, T>
where
    I: Iterator<Item = Result<R>>,
    R: Send + 'static,
    T: Send + 'static,
{
    type Item = Answer<T>;

    fn next(&mut self) -> Option<Answer<T>> {
        self.fill();
        self.pipeline.next_answer()
    }
}

/// Operation `entry` over JSON request texts with one rulebook: the answers' JSON texts, in order.
pub fn call_many<I>(
    entry: &'static Entry,
    rulebook: Arc<Rulebook>,
    requests: I,
    jobs: usize,
) -> Result<Batch<I, String, String>>
where
    I: Iterator<Item = Result<String>>,
{
    Batch::new(requests, jobs, move |text: String| entry.call(&text, &rulebook))
}

/// The lines of a JSONL stream, each refused past `max_bytes` (`\r\n` endings accepted).
///
/// A line past the bound is skipped as it is read, holding at most `max_bytes + 1` of its bytes,
/// and is answered `input_too_large`; a line that is not UTF-8 is `input_unreadable`. A read error
/// of the stream is the last item.
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    max_bytes: usize,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    /// The lines of `reader`, each at most `max_bytes` long.
    pub fn new(reader: R, max_bytes: usize) -> Self {
        Lines { reader, max_bytes, done: false }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Result<String>> {
        if self.done {
            return None;
        }
        let mut kept = Vec::new();
        let mut length = 0usize;
        let mut started = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::new(
                        &codes::INPUT_UNREADABLE,
                        "",
                        format!("无法继续读取输入：{e}"),
                        format!("cannot read the input further: {e}"),
                    )));
                }
            };
            if chunk.is_empty() {
                self.done = true;
                if !started {
                    return None;
                }
                break;
            }
            started = true;
            let end = memchr::memchr(b'\n', chunk);
            let part = &chunk[..end.unwrap_or(chunk.len())];
            length = length.saturating_add(part.len());
            // One byte more than the bound: a `\r` before the newline.
            if length <= self.max_bytes.saturating_add(1) {
                kept.extend_from_slice(part);
            }
            let consumed = part.len() + usize::from(end.is_some());
            self.reader.consume(consumed);
            if end.is_some() {
                break;
            }
        }
        if kept.last() == Some(&b'\r') && length == kept.len() {
            kept.pop();
            length -= 1;
        }
        Some(self.line(kept, length))
    }
}

impl<R> Lines<R> {
    fn line(&self, kept: Vec<u8>, length: usize) -> Result<String> {
        let max = self.max_bytes;
        if length > max {
            return Err(Error::new(
                &codes::INPUT_TOO_LARGE,
                "",
                format!("该行为 {length} 字节，超过上限 {max} 字节"),
                format!("the line is {length} bytes, more than the limit of {max} bytes"),
            ));
        }
        String::from_utf8(kept).map_err(|e| {
            Error::new(
                &codes::INPUT_UNREADABLE,
                "",
                format!("该行不是 UTF-8 文本：{e}"),
                format!("the line is not UTF-8 text: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rulebook() -> Rulebook {
        Rulebook::builtin().unwrap()
    }

    fn certificate() -> serde_json::Value {
        serde_json::from_str(include_str!("../../examples/certificates/rcep.json")).unwrap()
    }

    /// A check request of the example certificate with `n % 7 + 1` goods items, so that each
    /// answer's `item_count` tells which request it was.
    fn check_request(n: usize) -> String {
        let mut certificate = certificate();
        let item = certificate["goods"][0].clone();
        certificate["goods"] = vec![item; n % 7 + 1].into();
        serde_json::json!({ "certificate": certificate, "today": "2026-01-05" }).to_string()
    }

    fn batch_lines(requests: &[String], jobs: usize, window: usize, rb: &Rulebook) -> Vec<String> {
        let entry = api::find("check").unwrap();
        let input = Lines::new(requests.join("\n").as_bytes(), rb.limits().max_input_bytes).collect::<Vec<_>>();
        let rb = Arc::new(rb.clone());
        call_many(entry, rb, input.into_iter(), jobs).unwrap().with_window(window).map(|a| a.to_line()).collect()
    }

    fn one_by_one(requests: &[String], rb: &Rulebook) -> Vec<String> {
        requests
            .iter()
            .enumerate()
            .map(|(i, r)| api::call("check", r, rb).unwrap_or_else(|e| error_line(i + 1, &e)))
            .collect()
    }

    #[test]
    fn answers_keep_the_input_order_with_one_and_four_jobs() {
        let rb = rulebook();
        let requests: Vec<String> = (0..40).map(check_request).collect();
        let expected = one_by_one(&requests, &rb);
        for jobs in [1, 4] {
            let answers = batch_lines(&requests, jobs, 3, &rb);
            assert_eq!(answers, expected, "jobs {jobs}");
        }
        assert!(expected[9].contains("\"item_count\":3"), "{}", expected[9]);
    }

    #[test]
    fn a_bad_line_is_its_own_error_and_the_batch_goes_on() {
        let rb = rulebook();
        let max = rb.limits().max_input_bytes;
        let mut unknown = certificate();
        unknown["agreement"] = "no_such_agreement".into();
        let requests = [
            check_request(1),
            "{\"certificate\": ".to_string(),
            "x".repeat(max + 10),
            serde_json::json!({ "certificate": unknown }).to_string(),
            check_request(5),
        ];
        let entry = api::find("check").unwrap();
        let text = requests.join("\r\n") + "\n";
        let answers: Vec<Answer<String>> =
            call_many(entry, Arc::new(rb.clone()), Lines::new(text.as_bytes(), max), 2).unwrap().collect();
        assert_eq!(answers.iter().map(|a| a.line).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        let code = |i: usize| answers[i].outcome.as_ref().err().map(|e| e.code);
        assert_eq!(code(0), None);
        assert_eq!(code(1), Some("invalid_json"));
        assert_eq!(code(2), Some("input_too_large"));
        assert_eq!(code(3), Some("unknown_agreement"));
        assert!(answers[4].to_line().contains("\"item_count\":6"));
        let line: serde_json::Value = serde_json::from_str(&answers[3].to_line()).unwrap();
        assert_eq!(line["line"], 4);
        assert_eq!(line["error"]["code"], "unknown_agreement");
        assert!(line["error"]["message"]["zh"].is_string() && line["error"]["message"]["en"].is_string());
    }

    /// The window slides: while request 1 is slow, the answer of request 0 is taken and request 4
    /// enters the window and runs. In batches of whole windows, 4 would wait for 1 to finish.
    #[test]
    fn a_slow_request_holds_back_only_its_window() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::time::Duration;
        let fourth_done = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&fourth_done);
        let run = move |n: usize| -> Result<bool> {
            if n == 4 {
                seen.store(true, Ordering::SeqCst);
            }
            if n == 1 {
                // At most about 20 seconds, counted in naps: the core reads no clock.
                let mut naps = 0;
                while !seen.load(Ordering::SeqCst) {
                    if naps > 20_000 {
                        return Ok(false);
                    }
                    naps += 1;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Ok(true)
        };
        let answers: Vec<Answer<bool>> = Batch::new((0..12).map(Ok), 2, run).unwrap().with_window(4).collect();
        assert_eq!(answers.iter().map(|a| a.line).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
        assert!(answers.iter().all(|a| a.outcome == Ok(true)), "request 1 waited for request 4 in vain");
        assert!(fourth_done.load(Ordering::SeqCst));
    }

    /// Never more than a window of requests is read ahead of the answers taken.
    #[test]
    fn the_input_is_read_no_further_than_the_window() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let read = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&read);
        let requests = (0..500usize).map(move |n| {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok(n)
        });
        let batch = Batch::new(requests, 2, |n: usize| Ok(n * 2)).unwrap().with_window(7);
        let mut taken = 0;
        for answer in batch {
            taken += 1;
            assert_eq!(answer.outcome, Ok((answer.line - 1) * 2));
            assert!(
                read.load(Ordering::SeqCst) <= taken + 6,
                "read {} with {taken} taken",
                read.load(Ordering::SeqCst)
            );
        }
        assert_eq!(taken, 500);
    }

    /// A request whose run panics is an `internal_error` for its line; the others are answered.
    #[test]
    fn a_panic_is_the_error_of_its_line_only() {
        let run = |n: usize| -> Result<usize> {
            #[allow(clippy::panic)] // the point of the test
            if n == 3 {
                panic!("deliberate");
            }
            Ok(n)
        };
        let answers: Vec<Answer<usize>> = Batch::new((0..6).map(Ok), 2, run).unwrap().collect();
        assert_eq!(answers.len(), 6);
        let error = answers[3].outcome.as_ref().unwrap_err();
        assert_eq!((error.code, answers[3].line), ("internal_error", 4));
        assert!(error.message.en.contains("deliberate"), "{}", error.message.en);
        assert_eq!(answers[5].outcome, Ok(5));
    }

    /// `wait_for` on a thread of its own; the receiver gets the indices of the answers it took.
    fn taker(
        arrivals: &Arc<Arrivals<usize>>,
        needed: usize,
        gather: usize,
        patience: Duration,
    ) -> mpsc::Receiver<Vec<usize>> {
        let (sender, receiver) = mpsc::channel();
        let arrivals = Arc::clone(arrivals);
        std::thread::spawn(move || {
            let indices = arrivals.wait_for(needed, gather, patience).into_iter().map(|(i, _)| i).collect();
            let _ = sender.send(indices);
        });
        receiver
    }

    /// The waiting taker wakes for the answer it needs, not before; then it gathers up to its
    /// patience, and no longer.
    #[test]
    fn the_taker_waits_for_the_needed_answer_then_gathers_within_its_patience() {
        let pause = || std::thread::sleep(Duration::from_millis(40));
        let long = Duration::from_secs(30);
        let arrivals = Arc::new(Arrivals::<usize>::default());

        let taken = taker(&arrivals, 0, 1, long);
        arrivals.hand_back(1, Ok(1));
        pause();
        assert!(taken.try_recv().is_err(), "woke before the answer it needs");
        arrivals.hand_back(0, Ok(0));
        assert_eq!(taken.recv_timeout(long).unwrap(), [1, 0]);

        let taken = taker(&arrivals, 2, 3, long);
        arrivals.hand_back(2, Ok(2));
        pause();
        assert!(taken.try_recv().is_err(), "did not gather");
        arrivals.hand_back(3, Ok(3));
        arrivals.hand_back(4, Ok(4));
        assert_eq!(taken.recv_timeout(long).unwrap(), [2, 3, 4]);

        // A gather that does not fill: the answers that are back after the patience.
        let taken = taker(&arrivals, 5, 3, Duration::from_millis(5));
        arrivals.hand_back(5, Ok(5));
        assert_eq!(taken.recv_timeout(long).unwrap(), [5]);
    }

    /// An answer that is back is taken while the request after it still runs, with the default
    /// window: the gather (all ten answers here) does not wait for the slow request.
    #[test]
    fn an_answer_that_is_back_does_not_wait_for_a_slow_one_after_it() {
        let (first_taken, taken) = mpsc::channel::<()>();
        let taken = Mutex::new(taken);
        let run = move |n: usize| -> Result<bool> {
            if n == 1 {
                // Runs until answer 0 is taken; about 20 seconds at most, then fails the test.
                return Ok(taken.lock().unwrap().recv_timeout(Duration::from_secs(20)).is_ok());
            }
            Ok(true)
        };
        let mut batch = Batch::new((0..10).map(Ok), 2, run).unwrap();
        assert_eq!(batch.next().map(|a| a.line), Some(1));
        first_taken.send(()).unwrap();
        let rest: Vec<Answer<bool>> = batch.collect();
        assert_eq!(rest.len(), 9);
        assert!(rest.iter().all(|a| a.outcome == Ok(true)), "request 2 ran out of time: answer 1 was held back");
    }

    /// A dropped pipeline runs none of its queued requests, and waits for the one running.
    #[test]
    fn a_dropped_pipeline_runs_no_more_requests() {
        use std::sync::atomic::AtomicUsize;
        let ran = Arc::new(AtomicUsize::new(0));
        let (release, released) = mpsc::channel::<()>();
        let released = Mutex::new(released);
        let counted = Arc::clone(&ran);
        let run = move |n: usize| -> Result<usize> {
            counted.fetch_add(1, Ordering::SeqCst);
            if n == 0 {
                let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(20));
            }
            Ok(n)
        };
        let mut pipeline = Pipeline::new(1, run).unwrap();
        for n in 0..8 {
            pipeline.submit(Ok(n));
        }
        // Request 0 is running (it waits for the release) before the pipeline goes.
        for _ in 0..2_000 {
            if ran.load(Ordering::SeqCst) > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let finished = Arc::new(AtomicBool::new(false));
        let release_later = {
            let finished = Arc::clone(&finished);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                finished.store(true, Ordering::SeqCst);
                release.send(()).unwrap();
            })
        };
        drop(pipeline);
        assert!(finished.load(Ordering::SeqCst), "the drop did not wait for the running request");
        release_later.join().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(ran.load(Ordering::SeqCst), 1, "queued requests ran after the drop");
    }

    /// A thread listed by another process (the parent, before a `fork`) is never handed a queue:
    /// it does not exist in this one.
    #[test]
    fn idle_threads_of_another_process_are_not_used() {
        let (thread, never) = mpsc::channel::<Queue>();
        let parent = std::process::id().wrapping_add(1);
        let id = std::thread::spawn(|| std::thread::current().id()).join().unwrap();
        idle().push((parent, id, thread));
        let pipeline = Pipeline::new(1, |n: usize| Ok(n)).unwrap();
        let handed = never.try_recv().is_ok();
        if handed {
            // Its drop would wait for a thread that is not there.
            std::mem::forget(pipeline);
        }
        assert!(!handed, "a queue was handed to another process's thread");
        assert!(idle().iter().all(|(owner, _, _)| *owner != parent), "another process's thread is still listed");
    }

    #[test]
    fn lines_are_bounded_while_read() {
        let long = "y".repeat(100);
        let text = format!("ab\r\n{long}\n\ncd");
        let lines: Vec<Result<String>> =
            Lines::new(std::io::BufReader::with_capacity(8, text.as_bytes()), 10).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].as_deref(), Ok("ab"));
        let too_large = lines[1].as_ref().unwrap_err();
        assert_eq!(too_large.code, "input_too_large");
        assert!(too_large.message.en.contains("100 bytes"), "{}", too_large.message.en);
        assert_eq!(lines[2].as_deref(), Ok(""));
        assert_eq!(lines[3].as_deref(), Ok("cd"));
        assert_eq!(Lines::new(&[0xff, b'\n'][..], 10).next().map(|l| l.unwrap_err().code), Some("input_unreadable"));
        assert_eq!(Lines::new(&b""[..], 10).count(), 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Whatever the mix of good and broken requests, the jobs and the window, the batch
        /// answers are the one-by-one answers, line for line.
        #[test]
        fn batch_answers_are_the_one_by_one_answers(
            kinds in proptest::collection::vec(0u8..4, 0..24),
            jobs in 1usize..4,
            window in 1usize..9,
        ) {
            let rb = rulebook();
            let requests: Vec<String> = kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| match kind {
                    0 | 1 => check_request(i),
                    2 => "[1, 2".to_string(),
                    _ => "{\"certificate\": {}, \"today\": \"2026-02-30\"}".to_string(),
                })
                .collect();
            prop_assert_eq!(batch_lines(&requests, jobs, window, &rb), one_by_one(&requests, &rb));
        }
    }
}
