//! Batches from the command line: one request per line of a JSONL file, answers in order on
//! stdout (or, for `render`, one file per request), a progress bar on stderr when it is a
//! terminal, and a summary at the end.

use origo::api::{self, Operation};
use origo::batch::{error_line, Answer, Batch, Lines};
use origo::{codes, Error, Rulebook};
use std::io::{BufRead, IsTerminal as _, Read, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;

/// Bytes buffered on each side of a batch. A 20-item request is about 9 KB and its answer 10 KB:
/// at the standard 8 KB, each answer was a write of its own.
const BUFFER_BYTES: usize = 1 << 18;

/// How the answers of a batch were counted, for the summary and the exit code.
#[derive(Debug, Default)]
struct Tally {
    /// Answers that passed (`ok` for check, originating, rendered).
    good: usize,
    /// Answers that did not pass (errors in the report, not originating).
    bad: usize,
    /// Lines that could not be read or used: each answered `{"line", "error"}`.
    unreadable: usize,
}

impl Tally {
    /// Prints the summary on stderr: `N lines: a ok, b <bad>, c unreadable`, in both languages.
    fn summary(&self, good: (&str, &str), bad: Option<(&str, &str)>) {
        let total = self.good + self.bad + self.unreadable;
        let (good_en, good_zh) = good;
        let (bad_en, bad_zh) = match bad {
            Some((en, zh)) => (format!(", {} {en}", self.bad), format!("，{} 行{zh}", self.bad)),
            None => (String::new(), String::new()),
        };
        eprintln!("{total} lines: {} {good_en}{bad_en}, {} unreadable", self.good, self.unreadable);
        eprintln!("共 {total} 行：{} 行{good_zh}{bad_zh}，{} 行无法读取", self.good, self.unreadable);
    }

    /// 2 if a line was unreadable, else 1 if an answer did not pass, else 0.
    fn exit_code(&self) -> ExitCode {
        if self.unreadable > 0 {
            ExitCode::from(2)
        } else if self.bad > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// A reader that counts the bytes taken from it, for the progress bar of a file.
struct Counting<R> {
    inner: R,
    read: Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// The request lines of a JSONL file (`-`: standard input), each within the input bound, and a
/// progress bar on stderr if it is a terminal (by bytes for a file, by answers for a stream).
fn open(path: &Path, rb: &Rulebook) -> Result<(Lines<Box<dyn BufRead>>, Progress), Error> {
    let read = Rc::new(std::cell::Cell::new(0));
    let (reader, size): (Box<dyn BufRead>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(std::io::BufReader::with_capacity(BUFFER_BYTES, std::io::stdin().lock())), None)
    } else {
        let file = std::fs::File::open(path).map_err(|e| {
            Error::new(
                &codes::INPUT_UNREADABLE,
                path.display().to_string(),
                format!("无法读取 `{}`：{e}", path.display()),
                format!("cannot read `{}`: {e}", path.display()),
            )
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        let counting = Counting { inner: file, read: Rc::clone(&read) };
        (Box::new(std::io::BufReader::with_capacity(BUFFER_BYTES, counting)), size)
    };
    Ok((Lines::new(reader, rb.limits().max_input_bytes), Progress::new(size, read)))
}

/// The progress bar: drawn only when stderr is a terminal, so pipes and logs get the summary only.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    read: Rc<std::cell::Cell<u64>>,
}

impl Progress {
    fn new(size: Option<u64>, read: Rc<std::cell::Cell<u64>>) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None, read };
        }
        let bar = match size {
            Some(size) => indicatif::ProgressBar::new(size).with_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:32} {bytes}/{total_bytes} {msg} [{elapsed_precise}, {eta} left]",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            ),
            None => indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            ),
        };
        Progress { bar: Some(bar.with_finish(indicatif::ProgressFinish::AndClear)), read }
    }

    fn answered(&self, tally: &Tally) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.read.get());
            let done = tally.good + tally.bad + tally.unreadable;
            bar.set_message(format!("{done} answered, {} unreadable", tally.unreadable));
            bar.tick();
        }
    }
}

/// Runs operation `O` on each line of a JSONL file (`-`: standard input), `jobs` at once: one
/// answer per line on stdout, in order (a line that cannot be used: `{"line", "error"}`), then a
/// summary on stderr. Exit 2 if a line was unreadable, else 1 if `ok` is false for an answer (it
/// is then counted as `not_ok` says). A closed stdout ends the batch quietly; every answer is
/// flushed before the batch waits for the next, so none already answered is held back.
pub fn run_jsonl<O>(
    path: &Path,
    jobs: Option<usize>,
    rb: Rulebook,
    ok: fn(&O::Answer<'_>) -> bool,
    not_ok: (&str, &str),
) -> Result<ExitCode, Error>
where
    O: Operation + 'static,
    O::Request: Send,
{
    let (lines, progress) = open(path, &rb)?;
    let rb = Arc::new(rb);
    let run = move |text: String| {
        let answer = O::run(origo::json::read(&text, rb.limits())?, &rb)?;
        Ok((ok(&answer), api::answer(&answer)?))
    };
    let mut batch = Batch::new(lines, jobs.unwrap_or(0), run)?;
    let mut tally = Tally::default();
    let mut stdout = std::io::BufWriter::with_capacity(BUFFER_BYTES, std::io::stdout().lock());
    while let Some(answer) = next(&mut batch, &mut stdout) {
        let line = match answer.outcome {
            Ok((passed, text)) => {
                if passed {
                    tally.good += 1;
                } else {
                    tally.bad += 1;
                }
                text
            }
            Err(e) => {
                tally.unreadable += 1;
                error_line(answer.line, &e)
            }
        };
        progress.answered(&tally);
        if write_line(&mut stdout, &line).is_err() {
            break;
        }
    }
    let _ = stdout.flush();
    drop(progress);
    tally.summary(("ok", "通过"), Some(not_ok));
    Ok(tally.exit_code())
}

/// One answer and its newline (without `writeln!`'s formatting machinery: answers are long).
fn write_line(stdout: &mut impl std::io::Write, line: &str) -> std::io::Result<()> {
    stdout.write_all(line.as_bytes())?;
    stdout.write_all(b"\n")
}

/// The next answer; stdout is flushed before waiting for one that is not ready yet.
fn next<I, R, T>(batch: &mut Batch<I, R, T>, stdout: &mut impl std::io::Write) -> Option<Answer<T>>
where
    I: Iterator<Item = origo::Result<R>>,
    R: Send + 'static,
    T: Send + 'static,
{
    if let Some(answer) = batch.try_next() {
        return Some(answer);
    }
    if stdout.flush().is_err() {
        return None;
    }
    batch.next()
}

/// A document rendered by a worker into a temporary file of the output directory.
#[cfg(feature = "render")]
struct Drawn {
    /// The certificate number, if the certificate has one.
    number: Option<String>,
    /// `pdf`, `svg` or `png`.
    extension: &'static str,
    /// The complete document, under a hidden temporary name; removed with the `Drawn` unless
    /// [`Drawn::name`] gave it its name.
    temporary: std::path::PathBuf,
    bytes: usize,
    named: bool,
}

#[cfg(feature = "render")]
impl Drawn {
    /// Renames the document to `target`; on failure its temporary file goes with the `Drawn`.
    fn name(mut self, target: &Path) -> std::io::Result<usize> {
        std::fs::rename(&self.temporary, target)?;
        self.named = true;
        Ok(self.bytes)
    }
}

/// A document nobody named (its line failed later, or the batch stopped) leaves no file behind.
#[cfg(feature = "render")]
impl Drop for Drawn {
    fn drop(&mut self) {
        if !self.named {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Renders each line of a JSONL file of `render` requests into `out_dir`, `jobs` at once: one file
/// per request, named from its certificate number (`line-N` without one, `-N` added when two
/// lines give one name), and one line per request on stdout, `{"line", "file", "bytes"}` or
/// `{"line", "error"}`. Each document is written whole to a hidden temporary file and renamed,
/// so no partial file ever has a final name; a document that is not named is removed.
#[cfg(feature = "render")]
pub fn render_jsonl(path: &Path, out_dir: &Path, jobs: Option<usize>, rb: Rulebook) -> Result<ExitCode, Error> {
    use origo::api::render::Render;
    let unwritable = |p: &Path, e: std::io::Error| {
        Error::new(
            &codes::OUTPUT_UNWRITABLE,
            p.display().to_string(),
            format!("无法写入 `{}`：{e}", p.display()),
            format!("cannot write `{}`: {e}", p.display()),
        )
    };
    std::fs::create_dir_all(out_dir).map_err(|e| unwritable(out_dir, e))?;
    let (lines, progress) = open(path, &rb)?;
    let numbered = lines.enumerate().map(|(i, line)| line.map(|text| (i + 1, text)));
    let rb = Arc::new(rb);
    let dir = out_dir.to_path_buf();
    let run = move |(line, text): (usize, String)| {
        let request: origo::api::render::RenderRequest = origo::json::read(&text, rb.limits())?;
        let number = request.certificate.certificate_no.clone();
        let rendered = Render::run(request, &rb)?;
        let temporary = dir.join(format!(".origo-{}-{line}.tmp", std::process::id()));
        std::fs::write(&temporary, &rendered.bytes).map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            unwritable(&temporary, e)
        })?;
        let extension = match rendered.media_type {
            "image/svg+xml" => "svg",
            "image/png" => "png",
            _ => "pdf",
        };
        Ok(Drawn { number, extension, temporary, bytes: rendered.bytes.len(), named: false })
    };
    let mut batch = Batch::new(numbered, jobs.unwrap_or(0), run)?;
    let mut tally = Tally::default();
    let mut names = std::collections::HashSet::new();
    let mut stdout = std::io::BufWriter::with_capacity(BUFFER_BYTES, std::io::stdout().lock());
    while let Some(answer) = next(&mut batch, &mut stdout) {
        let named = answer.outcome.and_then(|drawn| {
            let stem = file_stem(drawn.number.as_deref(), answer.line);
            let name = unused_name(&mut names, &stem, answer.line, drawn.extension);
            let target = out_dir.join(&name);
            let bytes = drawn.name(&target).map_err(|e| unwritable(&target, e))?;
            Ok((name, bytes))
        });
        let text = match named {
            Ok((file, bytes)) => {
                tally.good += 1;
                #[derive(serde::Serialize)]
                struct Written<'a> {
                    line: usize,
                    file: &'a str,
                    bytes: usize,
                }
                api::answer(&Written { line: answer.line, file: &file, bytes })?
            }
            Err(e) => {
                tally.unreadable += 1;
                error_line(answer.line, &e)
            }
        };
        progress.answered(&tally);
        if write_line(&mut stdout, &text).is_err() {
            break;
        }
    }
    // After a closed stdout nobody reads the answers: the queued requests are not drawn, and the
    // drop waits for those being drawn, whose documents go unnamed (`Drawn`'s drop removes them).
    drop(batch);
    let _ = stdout.flush();
    drop(progress);
    tally.summary(("rendered", "已生成"), None);
    Ok(tally.exit_code())
}

/// `stem.extension`, or `stem-line.extension` when a line before took that name, or
/// `stem-line-2.extension` and on when a certificate number was that too; kept in `names`.
#[cfg(feature = "render")]
fn unused_name(names: &mut std::collections::HashSet<String>, stem: &str, line: usize, extension: &str) -> String {
    let mut name = format!("{stem}.{extension}");
    let mut k = 1;
    while !names.insert(name.clone()) {
        name = match k {
            1 => format!("{stem}-{line}.{extension}"),
            _ => format!("{stem}-{line}-{k}.{extension}"),
        };
        k += 1;
    }
    name
}

/// A file name from a certificate number: ASCII letters, digits, `-` and `_` kept, anything else
/// (a path separator, a dot, a space, a control character) replaced by `_`, at most 100
/// characters; `line-N` when the certificate has no number or nothing of it is left.
#[cfg(feature = "render")]
fn file_stem(number: Option<&str>, line: usize) -> String {
    let stem: String = number
        .unwrap_or_default()
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(100)
        .collect();
    if stem.chars().all(|c| c == '_') {
        format!("line-{line}")
    } else {
        stem
    }
}

#[cfg(all(test, feature = "render"))]
mod tests {
    use super::*;

    /// A certificate numbered like another line's fallback name does not overwrite its file.
    #[test]
    fn every_line_gets_a_name_of_its_own() {
        let mut names = std::collections::HashSet::new();
        let got: Vec<String> = [("A-3", 1), ("A", 2), ("A", 3), ("A-3", 4)]
            .iter()
            .map(|(stem, line)| unused_name(&mut names, stem, *line, "pdf"))
            .collect();
        assert_eq!(got, ["A-3.pdf", "A.pdf", "A-3-2.pdf", "A-3-4.pdf"]);
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_stem(Some("E26440000123"), 3), "E26440000123");
        assert_eq!(file_stem(Some("../../etc/passwd"), 3), "______etc_passwd");
        assert_eq!(file_stem(Some(" C/26 001\n"), 3), "C_26_001");
        assert_eq!(file_stem(Some("编号"), 7), "line-7");
        assert_eq!(file_stem(None, 9), "line-9");
        assert_eq!(file_stem(Some(&"9".repeat(300)), 1).len(), 100);
    }
}
