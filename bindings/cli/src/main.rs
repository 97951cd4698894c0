//! `origo`: check, explain and render certificates of origin from the command line.
//!
//! Exit codes: 0 = done and no error findings; 1 = the report has error findings (or an identifier
//! is invalid); 2 = unreadable input or bad usage (message on stderr).

mod text;

use clap::{Parser, Subcommand, ValueEnum};
use origo::{Error, Rulebook};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "origo", version, about = "Rules and documents for Chinese certificates of origin")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a certificate (JSON) and print the report.
    Check {
        /// Certificate JSON file (`-` for standard input).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Today's date for rules that need it (YYYY-MM-DD).
        #[arg(long)]
        today: Option<String>,
    },
    /// Convert a price between trade terms (to FOB by default) and show the formula (FAQ Q17, Q18).
    Convert(Box<ConvertArgs>),
    /// Decide a product's origin criterion under an agreement (with the trace), or rank every
    /// agreement covering a destination (`--compare`).
    Origin {
        /// Product pre-review JSON file (`-` for standard input).
        file: PathBuf,
        /// Agreement code, e.g. `asean`, `rcep`.
        #[arg(long, required_unless_present = "compare")]
        agreement: Option<String>,
        /// Destination country (ISO alpha-2).
        #[arg(long = "to", required_if_eq("compare", "true"))]
        to: Option<String>,
        /// Evaluate every agreement covering the destination and rank them.
        #[arg(long)]
        compare: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Import product pre-reviews from the goods and materials tables (CSV).
    ImportProducts {
        /// Goods table (one row per product, with its serial number).
        goods: PathBuf,
        /// Materials table (each row names its goods serial number).
        materials: PathBuf,
        /// A rulebook directory to use instead of the built-in one.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// List the certificate types of the rulebook with their key facts.
    Rules {
        #[command(flatten)]
        common: Common,
    },
    /// Print the JSON Schema of the contract.
    Schema {
        /// certificate, product or report.
        #[arg(default_value = "certificate")]
        name: String,
    },
    /// Validate an identifier: exit 0 valid, 1 invalid (with the reason).
    Id {
        /// Which identifier.
        #[arg(value_enum)]
        kind: IdKind,
        /// The identifier as entered (quote it if it has spaces).
        value: String,
        #[command(flatten)]
        common: Common,
    },
    /// The certificate lifecycle.
    Lifecycle {
        #[command(subcommand)]
        command: LifecycleCommand,
    },
    /// Working days: is a date one, add N of them, which years the calendar covers.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Render a certificate to PDF, SVG or PNG (the format comes from the output's extension).
    #[cfg(feature = "render")]
    Render {
        /// Certificate JSON file (`-` for standard input).
        file: PathBuf,
        /// Output file: `.pdf`, `.svg` or `.png`.
        #[arg(short, long)]
        output: PathBuf,
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
        /// PNG resolution in dots per inch.
        #[arg(long, default_value_t = 144)]
        dpi: u16,
        /// A rulebook directory to use instead of the built-in one.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// List every finding and error code.
    Codes {
        /// json or markdown.
        #[arg(long, default_value = "json")]
        format: String,
    },
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

#[derive(Subcommand, Debug)]
enum LifecycleCommand {
    /// Print the transition table: every state × action × role.
    Table {
        /// A rulebook directory to use instead of the built-in one.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Apply one action to a record (a `lifecycle_apply` request as JSON): exit 0 allowed, 1 refused.
    Apply {
        /// Request JSON file (`-` for standard input).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args, Debug)]
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

#[derive(Subcommand, Debug)]
enum CalendarCommand {
    /// Whether DATE (YYYY-MM-DD) is a working day.
    IsWorkday {
        date: String,
        /// Working-day policy, e.g. working_calendar or statutory_holidays_only.
        #[arg(long)]
        policy: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// The N-th working day after DATE.
    AddWorkdays {
        date: String,
        n: u32,
        /// Working-day policy, e.g. working_calendar or statutory_holidays_only.
        #[arg(long)]
        policy: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Years covered, their sources, and the policies.
    Info {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args, Debug)]
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A bug inside origo is reported like any other error (code `internal_error`, exit 2), not as a crash.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| run(cli)).unwrap_or_else(|panic| {
        let what =
            panic.downcast_ref::<&str>().map(|s| (*s).to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        let what = what.unwrap_or_default();
        Err(Error::new(
            "internal_error",
            "",
            format!("origo 内部错误，请报告：{what}"),
            format!("internal error in origo, please report it: {what}"),
        ))
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error[{}]: {}{}", e.code, e.message.en, at(&e.path));
            eprintln!("错误[{}]：{}", e.code, e.message.zh);
            ExitCode::from(2)
        }
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

fn rulebook(common: &Common) -> Result<Rulebook, Error> {
    match &common.rules {
        Some(dir) => Rulebook::from_dir(dir),
        None => Rulebook::builtin(),
    }
}

fn read_input(path: &PathBuf) -> Result<String, Error> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| {
        Error::new(
            "input_unreadable",
            path.display().to_string(),
            format!("无法读取 `{}`：{e}", path.display()),
            format!("cannot read `{}`: {e}", path.display()),
        )
    })
}

/// Writes to stdout; a closed pipe (`origo ... | head`) ends the output quietly instead of panicking.
fn out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

#[cfg(feature = "render")]
fn read_bytes(path: &PathBuf) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        Error::new(
            "input_unreadable",
            path.display().to_string(),
            format!("无法读取 `{}`：{e}", path.display()),
            format!("cannot read `{}`: {e}", path.display()),
        )
    })
}

/// Writes beside the target and renames, so a failed run never leaves a partial file.
#[cfg(feature = "render")]
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let unwritable = |e: std::io::Error| {
        Error::new(
            "output_unwritable",
            path.display().to_string(),
            format!("无法写入 `{}`：{e}", path.display()),
            format!("cannot write `{}`: {e}", path.display()),
        )
    };
    std::fs::write(&tmp, bytes).map_err(unwritable)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        unwritable(e)
    })
}

/// Runs an operation of the core's JSON layer and reads its answer for printing.
fn call(op: &str, request: &str, rb: &Rulebook) -> Result<Value, Error> {
    let answer = origo::api::call(op, request, rb)?;
    serde_json::from_str(&answer).map_err(|e| {
        Error::new("internal_error", "", format!("无法读取结果：{e}"), format!("cannot read the answer: {e}"))
    })
}

fn print_json(v: &Value) {
    out(&(serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()) + "\n"));
}

/// Exit 0 when the answer's `flag` is true, 1 otherwise.
fn exit_by(answer: &Value, flag: &str) -> ExitCode {
    if answer.get(flag).and_then(Value::as_bool).unwrap_or(false) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Check { file, common, today } => {
            let rb = rulebook(&common)?;
            let certificate: Value = origo::json::read_value(&read_input(&file)?, rb.limits())?;
            let request = json!({ "certificate": certificate, "today": today });
            let report = call("check", &request.to_string(), &rb)?;
            match common.format {
                Format::Json => print_json(&report),
                Format::Text => out(&text::report(&report)),
            }
            let ok = report.get("ok").and_then(Value::as_bool).unwrap_or(false);
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Convert(a) => {
            let rb = rulebook(&a.common)?;
            let request = json!({
                "term": a.term, "amount": a.amount, "currency": a.currency, "to": a.to,
                "freight": a.freight, "insurance": a.insurance, "insurance_rate": a.insurance_rate,
                "markup": a.markup, "convention": a.convention, "inland": a.inland, "loading": a.loading,
                "destination": a.destination, "duties": a.duties,
            });
            let request: serde_json::Map<String, Value> = request
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let answer = call("convert", &Value::Object(request).to_string(), &rb)?;
            match a.common.format {
                Format::Json => print_json(&answer),
                Format::Text => out(&text::conversion(&answer)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Origin { file, agreement, to, compare, common } => {
            let rb = rulebook(&common)?;
            let product: Value = origo::json::read_value(&read_input(&file)?, rb.limits())?;
            let (answer, ok) = if compare {
                let a = call("compare_agreements", &json!({ "product": product, "destination": to }).to_string(), &rb)?;
                let ok = a.get("originating").and_then(Value::as_array).is_some_and(|v| !v.is_empty());
                (a, ok)
            } else {
                let req = json!({ "product": product, "agreement": agreement, "destination": to });
                let a = call("determine_origin", &req.to_string(), &rb)?;
                let ok = a.get("originating").and_then(Value::as_bool).unwrap_or(false);
                (a, ok)
            };
            match common.format {
                Format::Json => print_json(&answer),
                Format::Text if compare => out(&text::comparison(&answer)),
                Format::Text => out(&text::origin_decision(&answer)),
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::ImportProducts { goods, materials, rules } => {
            let rb = match rules {
                Some(dir) => Rulebook::from_dir(dir)?,
                None => Rulebook::builtin()?,
            };
            let req = json!({ "goods_csv": read_input(&goods)?, "materials_csv": read_input(&materials)? });
            let answer = call("import_products", &req.to_string(), &rb)?;
            if answer.get("ok").and_then(Value::as_bool).unwrap_or(false) {
                print_json(answer.get("products").unwrap_or(&Value::Null));
                return Ok(ExitCode::SUCCESS);
            }
            for e in answer.get("errors").and_then(Value::as_array).into_iter().flatten() {
                let file = e.get("file").and_then(Value::as_str).unwrap_or("");
                let row = e.get("row").and_then(Value::as_u64).unwrap_or(0);
                let col = e.get("column").and_then(Value::as_str).unwrap_or("");
                let msg = e.get("message").cloned().unwrap_or(Value::Null);
                let en = msg.get("en").and_then(Value::as_str).unwrap_or("");
                let zh = msg.get("zh").and_then(Value::as_str).unwrap_or("");
                eprintln!("{file}:{row}:{col}: {en} / {zh}");
            }
            Ok(ExitCode::from(2))
        }
        Command::Rules { common } => {
            let rb = rulebook(&common)?;
            let rules = call("rules", "{}", &rb)?;
            match common.format {
                Format::Json => print_json(&rules),
                Format::Text => out(&text::rules(&rules)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { name } => {
            let rb = Rulebook::builtin()?;
            print_json(&call("schema", &json!({ "name": name }).to_string(), &rb)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Calendar { command } => {
            let (op, request, common) = match command {
                CalendarCommand::IsWorkday { date, policy, common } => {
                    ("calendar_is_workday", json!({ "date": date, "policy": policy }), common)
                }
                CalendarCommand::AddWorkdays { date, n, policy, common } => {
                    ("calendar_add_workdays", json!({ "date": date, "days": n, "policy": policy }), common)
                }
                CalendarCommand::Info { common } => ("calendar_info", json!({}), common),
            };
            let rb = rulebook(&common)?;
            let answer = call(op, &request.to_string(), &rb)?;
            match common.format {
                Format::Json => print_json(&answer),
                Format::Text => print!("{}", text::calendar(&answer)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Id { kind, value, common } => {
            let rb = rulebook(&common)?;
            let kind = match kind {
                IdKind::Uscc => "uscc",
                IdKind::Resident => "resident",
                IdKind::Account => "account",
                IdKind::Mobile => "mobile",
            };
            let answer = call("validate_id", &json!({ "kind": kind, "value": value }).to_string(), &rb)?;
            match common.format {
                Format::Json => print_json(&answer),
                Format::Text => out(&text::id_answer(&answer)),
            }
            Ok(exit_by(&answer, "valid"))
        }
        Command::Lifecycle { command: LifecycleCommand::Table { rules, format } } => {
            let rb = rulebook(&Common { rules, format })?;
            match format {
                Format::Json => print_json(&call("lifecycle_table", "{}", &rb)?),
                Format::Text => out(&origo::lifecycle::table_text(rb.lifecycle())),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lifecycle { command: LifecycleCommand::Apply { file, common } } => {
            let rb = rulebook(&common)?;
            let answer = call("lifecycle_apply", &read_input(&file)?, &rb)?;
            match common.format {
                Format::Json => print_json(&answer),
                Format::Text => out(&text::decision(&answer)),
            }
            Ok(exit_by(&answer, "allowed"))
        }
        #[cfg(feature = "render")]
        Command::Render { file, output, page, back, invoice, preview, seal, signature, dpi, rules } => {
            let rb = match rules {
                Some(dir) => Rulebook::from_dir(dir)?,
                None => Rulebook::builtin()?,
            };
            let cert: origo::Certificate = origo::json::read(&read_input(&file)?, rb.limits())?;
            let format = match output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("pdf") => origo::render::Format::Pdf,
                Some("svg") => origo::render::Format::Svg,
                Some("png") => origo::render::Format::Png,
                _ => {
                    return Err(Error::new(
                        "output_format",
                        output.display().to_string(),
                        "输出文件须以 .pdf、.svg 或 .png 结尾",
                        "the output file must end in .pdf, .svg or .png",
                    ))
                }
            };
            let options = origo::render::RenderOptions {
                format,
                page,
                back,
                document: if invoice { origo::render::Document::Invoice } else { origo::render::Document::Certificate },
                png_dpi: dpi,
                preview,
                seal: seal.as_ref().map(read_bytes).transpose()?,
                signature: signature.as_ref().map(read_bytes).transpose()?,
                ..Default::default()
            };
            let bytes = origo::render::render(&cert, &rb, &options)?;
            write_atomically(&output, &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codes { format } => {
            if format == "markdown" {
                out(&origo::catalogue::markdown());
            } else {
                print_json(&call("codes", "{}", &Rulebook::builtin()?)?);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
