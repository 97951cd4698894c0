//! Batches: one operation over a stream of JSON requests (one per line, JSONL), in parallel.
//!
//! Not an operation of [`api::OPERATIONS`](crate::api::OPERATIONS) but a way to run any of them
//! many times: [`Batch`] takes an iterator of request texts and gives the answers in input order,
//! running up to a window of requests at a time across a pool of threads. Memory is bounded by the
//! window (each request by the rulebook's input bound, which [`Lines`] applies while reading), not
//! by the size of the batch. A request that cannot be read or used is an [`Error`] in its own
//! [`Answer`], with its line number; it never ends the batch.

use crate::api::{self, Entry};
use crate::error::{codes, Error, Result};
use crate::rulebook::Rulebook;
use rayon::prelude::*;
use std::io::BufRead;

/// Requests in flight per thread: enough to keep every thread busy between windows, few enough
/// that a window of the largest requests stays small.
const WINDOW_PER_JOB: usize = 64;

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

/// The answers of `run` over `requests`, in order, `jobs` threads at a time (0: one per core).
#[derive(Debug)]
pub struct Batch<I, F, T> {
    requests: I,
    run: F,
    pool: rayon::ThreadPool,
    window: usize,
    lines_read: usize,
    ready: std::vec::IntoIter<Answer<T>>,
}

impl<I, F, T> Batch<I, F, T>
where
    I: Iterator<Item = Result<String>>,
    F: Fn(&str) -> Result<T> + Sync,
    T: Send,
{
    /// A batch running `run` on each request text; an `Err` request (a line that could not be
    /// read) is answered with its error as it is. Fails only if the threads cannot be started.
    pub fn new(requests: I, jobs: usize, run: F) -> Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| {
            Error::new(
                &codes::INTERNAL_ERROR,
                "",
                format!("无法启动 {jobs} 个线程：{e}"),
                format!("cannot start {jobs} threads: {e}"),
            )
        })?;
        let window = pool.current_num_threads().saturating_mul(WINDOW_PER_JOB);
        Ok(Batch { requests, run, pool, window, lines_read: 0, ready: Vec::new().into_iter() })
    }

    /// At most `window` requests in flight (at least 1) instead of 64 per thread.
    pub fn with_window(mut self, window: usize) -> Self {
        self.window = window.max(1);
        self
    }

    /// Reads the next window of requests and answers it, in parallel.
    fn next_window(&mut self) -> Vec<Answer<T>> {
        let lines_read = &mut self.lines_read;
        let requests: Vec<(usize, Result<String>)> = self
            .requests
            .by_ref()
            .take(self.window)
            .map(|request| {
                *lines_read += 1;
                (*lines_read, request)
            })
            .collect();
        let run = &self.run;
        self.pool.install(|| {
            requests
                .into_par_iter()
                .map(|(line, request)| Answer { line, outcome: request.and_then(|text| run(&text)) })
                .collect()
        })
    }
}

impl<I, F, T> Iterator for Batch<I, F, T>
where
    I: Iterator<Item = Result<String>>,
    F: Fn(&str) -> Result<T> + Sync,
    T: Send,
{
    type Item = Answer<T>;

    fn next(&mut self) -> Option<Answer<T>> {
        if let Some(answer) = self.ready.next() {
            return Some(answer);
        }
        self.ready = self.next_window().into_iter();
        self.ready.next()
    }
}

/// Operation `entry` over `requests` with one rulebook: the answers' JSON texts, in order.
pub fn call_many<'a, I>(
    entry: &'a Entry,
    rulebook: &'a Rulebook,
    requests: I,
    jobs: usize,
) -> Result<Batch<I, impl Fn(&str) -> Result<String> + Sync + 'a, String>>
where
    I: Iterator<Item = Result<String>>,
{
    Batch::new(requests, jobs, move |text: &str| entry.call(text, rulebook))
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
            let end = chunk.iter().position(|&b| b == b'\n');
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
            call_many(entry, &rb, Lines::new(text.as_bytes(), max), 2).unwrap().collect();
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
