//! `origo`: every operation of the library from the command line, one subcommand per operation
//! (the operation's name in kebab-case), answers as JSON or as text for people.
//!
//! Exit codes: 0 = done and no error findings; 1 = the report has error findings, the product is
//! not originating, the action is refused or the identifier is invalid; 2 = unreadable input or bad
//! usage (message on stderr, in English and Chinese).

mod batch;
mod input;
mod text;

use clap::{Args, Parser, Subcommand, ValueEnum};
#[cfg(feature = "render")]
use input::read_bytes;
use input::{read_text, write_atomically};
use origo::api::{self, Operation};
use origo::{codes, Error, Rulebook};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// A check makes a few hundred small allocations; mimalloc serves them faster than the system
/// allocator (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(name = "origo", version, about = "Rules and documents for Chinese certificates of origin")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One subcommand per operation of `origo::api::OPERATIONS`; former names stay as aliases.
#[derive(Subcommand, Debug)]
enum Command {
    /// Check a certificate (JSON) and print the report; or, with `--jsonl`, one check per line.
    Check {
        /// Certificate JSON file (`-` for standard input).
        #[arg(required_unless_present = "jsonl")]
        file: Option<PathBuf>,
        /// Today's date for the date rules (YYYY-MM-DD); origo reads no clock.
        #[arg(long, conflicts_with = "jsonl")]
        today: Option<chrono::NaiveDate>,
        #[command(flatten)]
        batch: Jsonl,
        #[command(flatten)]
        common: Common,
    },
    /// Decide a product's origin criterion under an agreement, with the trace.
    #[command(visible_alias = "origin")]
    DetermineOrigin(OriginArgs),
    /// Evaluate every agreement covering a destination for a product and rank them.
    CompareAgreements {
        /// Product pre-review JSON file (`-` for standard input).
        file: PathBuf,
        /// Destination country (ISO alpha-2).
        #[arg(long = "to", value_parser = country)]
        to: origo::model::Country,
        #[command(flatten)]
        common: Common,
    },
    /// Import a product-specific-rule annex as GACC publishes it (`.xlsx`, `.csv` or `.json` rows)
    /// into origo's PSR table: the table on stdout (or `-o`), the report on stderr; exit 1 when rows
    /// were refused (the table is then written only with `--allow-partial`).
    ImportPsr(Box<ImportPsrArgs>),
    /// Import product pre-reviews from the goods and materials tables (CSV).
    ImportProducts {
        /// Goods table (one row per product, with its serial number).
        goods: PathBuf,
        /// Materials table (each row names its goods serial number).
        materials: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Convert a price between trade terms (to FOB by default) and show the formula (FAQ Q17, Q18).
    Convert(Box<ConvertArgs>),
    /// Whether DATE is a working day of the certificate office calendar.
    IsWorkday(IsWorkdayArgs),
    /// The date N working days after DATE.
    AddWorkdays(AddWorkdaysArgs),
    /// The years, sources and working-day policies of the calendar.
    CalendarInfo(Common),
    /// The dates and place the system sets, from a request `{certificate, events}` (JSON file).
    SystemDates(RequestFile),
    /// The retention and default query windows of certificates on DATE (FAQ Q90).
    RetentionWindow {
        /// Today (YYYY-MM-DD).
        today: chrono::NaiveDate,
        #[command(flatten)]
        common: Common,
    },
    /// Apply one lifecycle action to a certificate record (request JSON): exit 1 when refused.
    #[command(visible_alias = "lifecycle-apply")]
    ApplyAction(RequestFile),
    /// The certificate lifecycle's transition table: state × action × role.
    TransitionTable {
        #[command(flatten)]
        common: Common,
    },
    /// Whether a certified true copy may be issued (request JSON).
    CheckCopy(RequestFile),
    /// Whether an invoice number may serve another certificate (request JSON).
    CheckInvoice(RequestFile),
    /// Which review an enterprise information change needs (request JSON).
    ClassifyEnterpriseChange(RequestFile),
    /// One personnel action on applicant and signatory accounts (request JSON).
    ApplyPersonnel(RequestFile),
    /// One step of an agent authorisation (request JSON).
    ApplyDelegation(RequestFile),
    /// Whether a signatory may act for an enterprise through this account (request JSON).
    CheckSignatory(RequestFile),
    /// Whether an account may be registered (request JSON): exit 0 allowed, 1 refused.
    CheckAccount(RequestFile),
    /// Validate an identifier: exit 0 valid, 1 invalid (with the reason).
    #[command(visible_alias = "id")]
    ValidateId {
        /// Which identifier.
        #[arg(value_enum)]
        kind: IdKind,
        /// The identifier as entered (quote it if it has spaces).
        value: String,
        #[command(flatten)]
        common: Common,
    },
    /// List the certificate types of the rulebook with their key facts.
    Rules(Common),
    /// Print the JSON Schema of the contract.
    Schema {
        /// certificate, product or report.
        #[arg(default_value = "certificate")]
        name: String,
    },
    /// List every finding, refusal and error code.
    Codes {
        /// json or markdown.
        #[arg(long, value_enum, default_value_t = CodesFormat::Json)]
        format: CodesFormat,
    },
    /// Render a certificate to PDF, SVG or PNG (the format comes from the output's extension).
    #[cfg(feature = "render")]
    Render(Box<RenderArgs>),
    /// One action on a product pre-review (request JSON): exit 1 when refused.
    ApplyPrereviewAction(RequestFile),
    /// One action on an enterprise registration or a signatory/administrator application (request JSON).
    ApplyRegistrationAction(RequestFile),
    /// One action on a reprint application (request JSON).
    ApplyReprintAction(RequestFile),
    /// One action on the review side's institutions and officers (request JSON).
    ApplyInstitutionAction(RequestFile),
    /// One action on a foreign verification request (核查) (request JSON).
    ApplyVerificationAction(RequestFile),
    /// Whether an office may sign a certificate type and an officer review it (request JSON).
    CheckAuthority(RequestFile),
    /// A workflow's transition table: prereview, registration, application, reprint, institution,
    /// officer or verification.
    WorkflowTable {
        /// The workflow.
        workflow: String,
        #[command(flatten)]
        common: Common,
    },
    /// Render the bilingual reply letter to a verification request (letter JSON) to PDF, SVG or PNG.
    #[cfg(feature = "render")]
    RenderReplyLetter {
        /// The letter's content as JSON (`-` for standard input).
        file: PathBuf,
        /// Output file: `.pdf`, `.svg` or `.png`.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Serve every operation over HTTP: `POST /v1/<operation>` with the request as JSON (not an
    /// operation: the service of all of them). Logs one JSON line per request on stderr.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Former name of the calendar operations (`is-workday`, `add-workdays`, `calendar-info`).
    #[command(hide = true)]
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Former name of `transition-table` and `apply-action`.
    #[command(hide = true)]
    Lifecycle {
        #[command(subcommand)]
        command: LifecycleCommand,
    },
}

#[derive(Subcommand, Debug)]
enum CalendarCommand {
    IsWorkday(IsWorkdayArgs),
    AddWorkdays(AddWorkdaysArgs),
    Info(Common),
}

#[derive(Subcommand, Debug)]
enum LifecycleCommand {
    Table {
        #[command(flatten)]
        common: Common,
    },
    Apply(RequestFile),
}

#[derive(Args, Debug)]
struct OriginArgs {
    /// Product pre-review JSON file (`-` for standard input).
    #[arg(required_unless_present = "jsonl")]
    file: Option<PathBuf>,
    /// Agreement code, e.g. `asean`, `rcep`.
    #[arg(long, required_unless_present_any = ["compare", "jsonl"], conflicts_with = "jsonl")]
    agreement: Option<String>,
    /// Destination country (ISO alpha-2).
    #[arg(long = "to", required_if_eq("compare", "true"), value_parser = country, conflicts_with = "jsonl")]
    to: Option<origo::model::Country>,
    /// Same as `compare-agreements` (the former `origin --compare`).
    #[arg(long, conflicts_with = "jsonl")]
    compare: bool,
    /// The certificate's date (ISO): picks the product-specific-rule table in force that day;
    /// without it the most recent table applies and the answer says so.
    #[arg(long, conflicts_with_all = ["jsonl", "compare"])]
    date: Option<chrono::NaiveDate>,
    #[command(flatten)]
    batch: Jsonl,
    #[command(flatten)]
    common: Common,
}

/// A batch: one request per line (the operation's request object), one answer per line.
#[derive(Args, Debug)]
struct Jsonl {
    /// JSONL file of requests, one per line (`-` for standard input); answers as JSON, one per line, in
    /// order, with a summary on stderr. Exit 2 if a line was unreadable, else 1 if an answer has
    /// errors (check) or is not originating (determine-origin).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "format"])]
    jsonl: Option<PathBuf>,
    /// Requests run at once (default, or 0: one per core).
    #[arg(long, requires = "jsonl")]
    jobs: Option<usize>,
}

#[derive(Args, Debug)]
struct ImportPsrArgs {
    /// The annex: `.xlsx`, `.csv` or `.json` (an array of row objects).
    file: PathBuf,
    /// Agreement code of the table, e.g. `korea`.
    #[arg(long)]
    agreement: String,
    /// The legal source every row cites (the agreement's annex, the GACC announcement).
    #[arg(long)]
    source: String,
    /// HS edition of the annex's codes (2007, 2012, 2017, 2022).
    #[arg(long)]
    hs_edition: Option<u16>,
    /// Write the table even when rows were refused (they are listed in the report).
    #[arg(long)]
    allow_partial: bool,
    /// Write the table here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[cfg(feature = "serve")]
#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on (`0.0.0.0:8080` to accept other machines, as in a container).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Longest time one request may take, in seconds (then 408 `request_timeout`).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Operations run at once (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    jobs: Option<u64>,
    /// Rulebook directory to use instead of the built-in rulebook.
    #[arg(long)]
    rules: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct IsWorkdayArgs {
    /// The date (YYYY-MM-DD).
    date: chrono::NaiveDate,
    /// Working-day policy of the calendar, e.g. working_calendar.
    #[arg(long)]
    policy: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct AddWorkdaysArgs {
    /// The date counted from (YYYY-MM-DD).
    date: chrono::NaiveDate,
    /// How many working days.
    days: u32,
    /// Working-day policy of the calendar, e.g. working_calendar.
    #[arg(long)]
    policy: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// A request given as a JSON file, as the operation's request in the JSON contract.
#[derive(Args, Debug)]
struct RequestFile {
    /// Request JSON file (`-` for standard input).
    file: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct ConvertArgs {
    /// Trade term of the amount (CIF, CFR, C&F, EXW...).
    #[arg(long)]
    term: String,
    /// The price under that term.
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// ISO 4217 currency.
    #[arg(long)]
    currency: String,
    /// Main carriage freight.
    #[arg(long, allow_hyphen_values = true)]
    freight: Option<String>,
    /// Insurance premium as an amount.
    #[arg(long, allow_hyphen_values = true)]
    insurance: Option<String>,
    /// Insurance premium rate, e.g. 0.003.
    #[arg(long, allow_hyphen_values = true)]
    insurance_rate: Option<String>,
    /// Insured-value mark-up, e.g. 1.1.
    #[arg(long, allow_hyphen_values = true)]
    markup: Option<String>,
    /// Insurance convention (cif_markup, cfr_markup).
    #[arg(long)]
    convention: Option<String>,
    /// Target term: FOB (default), EXW or any other term.
    #[arg(long)]
    to: Option<String>,
    /// Inland freight and charges from the factory to the port.
    #[arg(long, allow_hyphen_values = true)]
    inland: Option<String>,
    /// Loading and terminal charges at the place of shipment.
    #[arg(long, allow_hyphen_values = true)]
    loading: Option<String>,
    /// Unloading and destination charges (D terms).
    #[arg(long, allow_hyphen_values = true)]
    destination: Option<String>,
    /// Import duties and taxes (DDP).
    #[arg(long, allow_hyphen_values = true)]
    duties: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[cfg(feature = "render")]
#[derive(Args, Debug)]
struct RenderArgs {
    /// Certificate JSON file (`-` for standard input).
    #[arg(required_unless_present = "jsonl")]
    file: Option<PathBuf>,
    /// Output file: `.pdf`, `.svg` or `.png`.
    #[arg(short, long, required_unless_present = "jsonl")]
    output: Option<PathBuf>,
    /// JSONL file of `render` requests, one per line (`-` for standard input), each with its
    /// certificate and options: one file per request in `--out-dir`, named from its certificate
    /// number, and one line per request on stdout (`{"line", "file", "bytes"}` or
    /// `{"line", "error"}`), then a summary on stderr. Exit 2 if a line failed.
    #[arg(
        long,
        value_name = "FILE",
        requires = "out_dir",
        conflicts_with_all = ["file", "output", "page", "back", "invoice", "preview", "seal", "signature",
            "fonts", "serial", "verify_url", "duplicate_of", "replaces"]
    )]
    jsonl: Option<PathBuf>,
    /// Directory of the documents of a `--jsonl` batch (created if missing).
    #[arg(long, value_name = "DIR", requires = "jsonl")]
    out_dir: Option<PathBuf>,
    /// Documents rendered at once in a `--jsonl` batch (default, or 0: one per core).
    #[arg(long, requires = "jsonl")]
    jobs: Option<usize>,
    /// Only this page (1-based); SVG and PNG give page 1 without it.
    #[arg(long)]
    page: Option<std::num::NonZeroUsize>,
    /// Only the back page (overleaf notes), for forms that have one.
    #[arg(long)]
    back: bool,
    /// The commercial invoice generated from the certificate instead of the certificate.
    #[arg(long)]
    invoice: bool,
    /// Draw the form grid even for a pre-printed form.
    #[arg(long)]
    preview: bool,
    /// Seal image, placed where electronic sealing is allowed.
    #[arg(long)]
    seal: Option<PathBuf>,
    /// Signature image, placed with the seal.
    #[arg(long)]
    signature: Option<PathBuf>,
    /// Extra font (TTF/OTF/TTC) for characters the embedded font lacks; may be repeated.
    #[arg(long = "font")]
    fonts: Vec<PathBuf>,
    /// PNG resolution in dots per inch.
    #[arg(long, default_value_t = 144)]
    dpi: u16,
    /// Serial number of this print (a reprint keeps the number, FAQ Q33).
    #[arg(long)]
    serial: Option<String>,
    /// Verification address printed as a QR code with the certificate number.
    #[arg(long)]
    verify_url: Option<String>,
    /// Print as a certified true copy of the original with this number...
    #[arg(long, requires = "duplicate_date")]
    duplicate_of: Option<String>,
    /// ...issued on this date.
    #[arg(long, requires = "duplicate_of")]
    duplicate_date: Option<chrono::NaiveDate>,
    /// Print as the replacement of this certificate number.
    #[arg(long)]
    replaces: Option<String>,
    /// A rulebook directory to use instead of the built-in one.
    #[arg(long)]
    rules: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum IdKind {
    /// Unified Social Credit Code (GB 32100-2015).
    Uscc,
    /// Resident ID number (GB 11643-1999).
    Resident,
    /// Account name of the online system (FAQ Q48).
    Account,
    /// Mainland mobile number.
    Mobile,
}

#[derive(Args, Debug)]
struct Common {
    /// A rulebook directory to use instead of the built-in one.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Text,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum CodesFormat {
    Json,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A bug inside origo is reported like any other error (code `internal_error`, exit 2), not as a crash.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| run(cli)).unwrap_or_else(|panic| {
        let what =
            panic.downcast_ref::<&str>().map(|s| (*s).to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        let what = what.unwrap_or_default();
        Err(Error::new(
            &codes::INTERNAL_ERROR,
            "",
            format!("origo 内部错误，请报告：{what}"),
            format!("internal error in origo, please report it: {what}"),
        ))
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            let at = if e.path.is_empty() { String::new() } else { format!(" (at `{}`)", e.path) };
            eprintln!("error[{}]: {}{at}", e.code, e.message.en);
            eprintln!("错误[{}]：{}", e.code, e.message.zh);
            ExitCode::from(2)
        }
    }
}

impl Common {
    fn rulebook(&self) -> Result<Rulebook, Error> {
        rulebook(self.rules.as_deref())
    }
}

/// The rulebook in `dir`, or the built-in one.
fn rulebook(dir: Option<&std::path::Path>) -> Result<Rulebook, Error> {
    match dir {
        Some(dir) => Rulebook::from_dir(dir),
        None => Rulebook::builtin(),
    }
}

/// Reads a JSON file as `T` within the rulebook's bounds (one typed read, with field paths).
fn read_json<T: DeserializeOwned>(path: &std::path::Path, rb: &Rulebook) -> Result<T, Error> {
    origo::json::read(&read_text(path, rb.limits().max_input_bytes)?, rb.limits())
}

/// Writes to stdout; a closed pipe (`origo ... | head`) ends the output quietly instead of panicking.
fn out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Prints a typed answer as indented JSON, keys in the contract's order.
fn print_json<T: Serialize + ?Sized>(answer: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(answer).map_err(|e| {
        Error::new(
            &codes::INTERNAL_ERROR,
            "",
            format!("无法输出结果：{e}"),
            format!("cannot serialise the answer: {e}"),
        )
    })?;
    out(&(text + "\n"));
    Ok(())
}

/// Prints the answer as JSON or, for people, as `text` gives it.
fn print<T: Serialize>(answer: &T, format: Format, text: impl FnOnce(&T) -> String) -> Result<(), Error> {
    match format {
        Format::Json => print_json(answer),
        Format::Text => {
            out(&text(answer));
            Ok(())
        }
    }
}

/// Runs operation `O` on the request `request` builds with the rulebook, prints the answer (JSON,
/// or `text` for people) and exits 0 when `ok` holds for it, else 1.
fn answer<O: Operation>(
    common: &Common,
    request: impl FnOnce(&Rulebook) -> Result<O::Request, Error>,
    text: impl for<'r> FnOnce(&O::Answer<'r>) -> String,
    ok: impl for<'r> FnOnce(&O::Answer<'r>) -> bool,
) -> Result<ExitCode, Error> {
    let rb = common.rulebook()?;
    let answer = O::run(request(&rb)?, &rb)?;
    let good = ok(&answer);
    print(&answer, common.format, text)?;
    Ok(exit(good))
}

/// The request of a subcommand that reads it from a file.
fn from_file<T: DeserializeOwned>(path: &std::path::Path) -> impl FnOnce(&Rulebook) -> Result<T, Error> + '_ {
    move |rb| read_json(path, rb)
}

/// A request that needs nothing from the rulebook.
fn given_request<T>(request: T) -> impl FnOnce(&Rulebook) -> Result<T, Error> {
    move |_| Ok(request)
}

/// For answers that have no text form yet: the JSON, indented.
fn as_json<T: Serialize>(answer: &T) -> String {
    serde_json::to_string_pretty(answer).map(|t| t + "\n").unwrap_or_default()
}

/// The input file of a subcommand that takes a file unless it runs a batch (clap requires one).
fn given(file: Option<PathBuf>) -> Result<PathBuf, Error> {
    file.ok_or_else(|| Error::new(&codes::INPUT_UNREADABLE, "", "未给出输入文件", "no input file given"))
}

/// 0 when `ok`, else 1.
fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    use origo::api::{
        add_workdays::*, apply_action::*, apply_delegation::*, apply_institution_action::*, apply_personnel::*,
        apply_prereview_action::*, apply_registration_action::*, apply_reprint_action::*, apply_verification_action::*,
        calendar_info::*, check::*, check_account::*, check_authority::*, check_copy::*, check_invoice::*,
        check_signatory::*, classify_enterprise_change::*, convert::*, determine_origin::*, is_workday::*,
        retention_window::*, rules::*, schema::*, system_dates::*, transition_table::*, validate_id::*,
        workflow_table::*,
    };
    match cli.command {
        Command::Check { batch: Jsonl { jsonl: Some(path), jobs }, common, .. } => {
            batch::run_jsonl::<Check>(&path, jobs, common.rulebook()?, |report| report.ok, ("with errors", "有错误"))
        }
        Command::Check { file, today, common, .. } => {
            let file = given(file)?;
            let request = |rb: &Rulebook| Ok(CheckRequest { certificate: read_json(&file, rb)?, today });
            answer::<Check>(&common, request, text::report, |report| report.ok)
        }
        Command::DetermineOrigin(OriginArgs { batch: Jsonl { jsonl: Some(path), jobs }, common, .. }) => {
            let ok = |decision: &origo::origin::Determination| decision.originating;
            batch::run_jsonl::<DetermineOrigin>(&path, jobs, common.rulebook()?, ok, ("not originating", "非原产"))
        }
        Command::DetermineOrigin(OriginArgs { file, to: Some(to), compare: true, common, .. }) => {
            compare(&given(file)?, to, &common)
        }
        Command::DetermineOrigin(a) => {
            let file = given(a.file)?;
            let request = |rb: &Rulebook| {
                let product = read_json(&file, rb)?;
                Ok(DetermineRequest {
                    product,
                    agreement: a.agreement.unwrap_or_default(),
                    destination: a.to,
                    psr_csv: None,
                    date: a.date,
                })
            };
            answer::<DetermineOrigin>(&a.common, request, text::origin_decision, |d| d.originating)
        }
        Command::CompareAgreements { file, to, common } => compare(&file, to, &common),
        Command::ImportPsr(a) => import_psr(&a),
        Command::ImportProducts { goods, materials, common } => import_products(&goods, &materials, &common),
        Command::Convert(a) => answer::<Convert>(&a.common, given_request(a.request()), text::conversion, |_| true),
        Command::IsWorkday(a) | Command::Calendar { command: CalendarCommand::IsWorkday(a) } => {
            let request = IsWorkdayRequest { date: a.date, policy: a.policy };
            answer::<IsWorkday>(&a.common, given_request(request), text::is_workday, |_| true)
        }
        Command::AddWorkdays(a) | Command::Calendar { command: CalendarCommand::AddWorkdays(a) } => {
            let request = AddWorkdaysRequest { date: a.date, days: a.days, policy: a.policy };
            answer::<AddWorkdays>(&a.common, given_request(request), text::add_workdays, |_| true)
        }
        Command::CalendarInfo(common) | Command::Calendar { command: CalendarCommand::Info(common) } => {
            answer::<CalendarInfo>(&common, given_request(api::Empty {}), text::calendar_info, |_| true)
        }
        Command::SystemDates(a) => answer::<SystemDates>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::RetentionWindow { today, common } => {
            answer::<RetentionWindow>(&common, given_request(RetentionRequest { today }), as_json, |_| true)
        }
        Command::ApplyAction(a) | Command::Lifecycle { command: LifecycleCommand::Apply(a) } => {
            answer::<ApplyAction>(&a.common, from_file(&a.file), text::decision, |d| d.allowed)
        }
        Command::TransitionTable { common } | Command::Lifecycle { command: LifecycleCommand::Table { common } } => {
            let rb = common.rulebook()?;
            let text = |_: &_| origo::lifecycle::table_text(rb.lifecycle());
            answer::<TransitionTable>(&common, given_request(api::Empty {}), text, |_| true)
        }
        Command::CheckCopy(a) => answer::<CheckCopy>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::ApplyPrereviewAction(a) => workflow_action::<ApplyPrereviewAction>(&a),
        Command::ApplyRegistrationAction(a) => workflow_action::<ApplyRegistrationAction>(&a),
        Command::ApplyReprintAction(a) => workflow_action::<ApplyReprintAction>(&a),
        Command::ApplyInstitutionAction(a) => workflow_action::<ApplyInstitutionAction>(&a),
        Command::ApplyVerificationAction(a) => workflow_action::<ApplyVerificationAction>(&a),
        Command::CheckAuthority(a) => answer::<CheckAuthority>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::WorkflowTable { workflow, common } => {
            let request = origo::lifecycle::TableRequest { workflow };
            answer::<WorkflowTable>(&common, given_request(request), text::workflow_table, |_| true)
        }
        #[cfg(feature = "render")]
        Command::RenderReplyLetter { file, output, common } => {
            use origo::api::render_reply_letter::{RenderReplyLetter, ReplyLetterRequest};
            let rb = common.rulebook()?;
            let request = ReplyLetterRequest { letter: read_json(&file, &rb)?, format: output_format(&output)? };
            write_atomically(&output, &RenderReplyLetter::run(request, &rb)?.bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckInvoice(a) => answer::<CheckInvoice>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::ClassifyEnterpriseChange(a) => {
            answer::<ClassifyEnterpriseChange>(&a.common, from_file(&a.file), as_json, |_| true)
        }
        Command::ApplyPersonnel(a) => answer::<ApplyPersonnel>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::ApplyDelegation(a) => answer::<ApplyDelegation>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::CheckSignatory(a) => answer::<CheckSignatory>(&a.common, from_file(&a.file), as_json, |_| true),
        Command::CheckAccount(a) => answer::<CheckAccount>(&a.common, from_file(&a.file), as_json, |a| a.allowed),
        Command::ValidateId { kind, value, common } => {
            let kind = match kind {
                IdKind::Uscc => origo::identity::IdKind::Uscc,
                IdKind::Resident => origo::identity::IdKind::Resident,
                IdKind::Account => origo::identity::IdKind::Account,
                IdKind::Mobile => origo::identity::IdKind::Mobile,
            };
            let request = origo::identity::IdRequest { kind, value };
            answer::<ValidateId>(&common, given_request(request), text::id_answer, |a| a.valid)
        }
        Command::Rules(common) => answer::<Rules>(&common, given_request(api::Empty {}), text::rules, |_| true),
        Command::Schema { name } => {
            print_json(&Schema::run(SchemaRequest { name }, &Rulebook::builtin()?)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codes { format } => {
            match format {
                CodesFormat::Markdown => out(&origo::catalogue::markdown()),
                CodesFormat::Json => print_json(&origo::catalogue::entries())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "render")]
        Command::Render(a) => render(&a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => {
            let rb = rulebook(a.rules.as_deref())?;
            let defaults = origo_server::Config::default();
            let config = origo_server::Config {
                request_timeout: std::time::Duration::from_secs(a.timeout),
                jobs: a.jobs.and_then(|n| usize::try_from(n).ok()).unwrap_or(defaults.jobs),
                ..defaults
            };
            origo_server::run(a.addr, rb, config)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs a workflow action from a request file: exit 0 allowed, 1 refused.
fn workflow_action<O>(args: &RequestFile) -> Result<ExitCode, Error>
where
    O: for<'r> Operation<Answer<'r> = origo::lifecycle::WorkflowDecision>,
{
    answer::<O>(&args.common, from_file(&args.file), text::workflow_decision, |d| d.allowed)
}

/// Imports products from the goods and materials CSV files: the products as JSON, or every
/// refused cell on stderr (exit 2).
fn import_products(goods: &std::path::Path, materials: &std::path::Path, common: &Common) -> Result<ExitCode, Error> {
    use origo::api::import_products::{ImportProducts, ImportRequest};
    let rb = common.rulebook()?;
    let max = rb.limits().max_input_bytes;
    let request = ImportRequest { goods_csv: read_text(goods, max)?, materials_csv: read_text(materials, max)? };
    let imported = ImportProducts::run(request, &rb)?;
    if imported.ok {
        print_json(&imported.products)?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in &imported.errors {
        eprintln!("{}:{}:{}: {} / {}", e.file, e.row, e.column, e.message.en, e.message.zh);
    }
    Ok(ExitCode::from(2))
}

fn import_psr(a: &ImportPsrArgs) -> Result<ExitCode, Error> {
    use origo::api::import_psr::ImportPsr;
    use origo::origin::annex::ImportPsrRequest;
    let rb = a.common.rulebook()?;
    let max = rb.limits().max_input_bytes;
    let extension = a.file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let mut request = ImportPsrRequest {
        agreement: a.agreement.clone(),
        source: a.source.clone(),
        hs_edition: a.hs_edition,
        allow_partial: a.allow_partial,
        ..ImportPsrRequest::default()
    };
    match extension.as_deref() {
        Some("xlsx") => {
            use base64::Engine as _;
            let bytes = input::read_bytes(&a.file, max)?;
            request.annex_xlsx_base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
        Some("json") => request.annex_json = Some(read_text(&a.file, max)?),
        _ => request.annex_csv = Some(read_text(&a.file, max)?),
    }
    let answer = ImportPsr::run(request, &rb)?;
    let report = &answer.report;
    eprintln!(
        "{} rows read, {} imported, {} refused / 读取 {} 行，导入 {} 行，拒绝 {} 行",
        report.rows_read,
        report.rows_imported,
        report.refused.len(),
        report.rows_read,
        report.rows_imported,
        report.refused.len()
    );
    for r in &report.refused {
        eprintln!("  row {} [{}] {}: {} / {}", r.row, r.column, r.code, r.en, r.zh);
    }
    if let Some(csv) = &answer.csv {
        match &a.output {
            Some(path) => write_atomically(path, csv.as_bytes())?,
            None => out(csv),
        }
    }
    Ok(exit(report.refused.is_empty()))
}

/// Reads a country code argument as the contract does.
fn country(text: &str) -> Result<origo::model::Country, String> {
    origo::model::Country::parse(text).map_err(|m| m.en)
}

fn compare(file: &std::path::Path, destination: origo::model::Country, common: &Common) -> Result<ExitCode, Error> {
    use origo::api::compare_agreements::{CompareAgreements, CompareRequest};
    let rb = common.rulebook()?;
    let request = CompareRequest { product: read_json(file, &rb)?, destination };
    let comparison = CompareAgreements::run(request, &rb)?;
    print(&comparison, common.format, text::comparison)?;
    Ok(exit(!comparison.originating.is_empty()))
}

impl ConvertArgs {
    fn request(&self) -> origo::valuation::ConvertRequest {
        origo::valuation::ConvertRequest {
            term: self.term.clone(),
            amount: self.amount.clone(),
            currency: self.currency.clone(),
            to: self.to.clone(),
            freight: self.freight.clone(),
            insurance: self.insurance.clone(),
            insurance_rate: self.insurance_rate.clone(),
            markup: self.markup.clone(),
            convention: self.convention.clone(),
            inland: self.inland.clone(),
            loading: self.loading.clone(),
            destination: self.destination.clone(),
            duties: self.duties.clone(),
        }
    }
}

/// The document format an output file's extension names.
#[cfg(feature = "render")]
fn output_format(output: &std::path::Path) -> Result<origo::api::render::RenderFormat, Error> {
    use origo::api::render::RenderFormat;
    match output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => Ok(RenderFormat::Pdf),
        Some("svg") => Ok(RenderFormat::Svg),
        Some("png") => Ok(RenderFormat::Png),
        _ => Err(Error::new(
            &codes::OUTPUT_FORMAT,
            output.display().to_string(),
            "输出文件须以 .pdf、.svg 或 .png 结尾",
            "the output file must end in .pdf, .svg or .png",
        )),
    }
}

#[cfg(feature = "render")]
fn render(a: &RenderArgs) -> Result<ExitCode, Error> {
    use origo::render::{Document, DuplicateOf, RenderOptions};
    let rb = rulebook(a.rules.as_deref())?;
    if let (Some(jsonl), Some(out_dir)) = (&a.jsonl, &a.out_dir) {
        return batch::render_jsonl(jsonl, out_dir, a.jobs, rb);
    }
    let output = given(a.output.clone())?;
    let format = output_format(&output)?.into();
    let limits = rb.limits();
    let image = |p: &Option<PathBuf>| p.as_ref().map(|p| read_bytes(p, limits.max_image_bytes)).transpose();
    let options = RenderOptions {
        format,
        page: a.page,
        back: a.back,
        document: if a.invoice { Document::Invoice } else { Document::Certificate },
        png_dpi: a.dpi,
        preview: a.preview,
        seal: image(&a.seal)?,
        signature: image(&a.signature)?,
        fonts: a.fonts.iter().map(|p| read_bytes(p, limits.max_font_bytes)).collect::<Result<_, _>>()?,
        serial: a.serial.clone(),
        verify_url: a.verify_url.clone(),
        duplicate_of: a.duplicate_of.clone().zip(a.duplicate_date).map(|(number, date)| DuplicateOf { number, date }),
        replaces: a.replaces.clone(),
    };
    let certificate: origo::Certificate = read_json(&given(a.file.clone())?, &rb)?;
    let rendered = origo::api::render::Render::draw(&certificate, &options, &rb)?;
    write_atomically(&output, &rendered.bytes)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// One vocabulary: every operation of the core is the subcommand of its name in kebab-case.
    #[test]
    fn every_operation_is_a_subcommand_of_its_name() {
        let cli = Cli::command();
        for op in origo::api::OPERATIONS {
            let name = op.name.replace('_', "-");
            assert!(
                cli.find_subcommand(&name).is_some(),
                "the operation `{}` has no subcommand `origo {name}`",
                op.name
            );
        }
    }

    #[test]
    fn former_subcommands_still_parse() {
        for args in [
            &["origo", "calendar", "add-workdays", "2026-09-30", "3"][..],
            &["origo", "lifecycle", "table"],
            &["origo", "id", "uscc", "X"],
            &["origo", "origin", "p.json", "--to", "TH", "--compare"],
        ] {
            assert!(Cli::try_parse_from(args).is_ok(), "{args:?}");
        }
    }
}
