//! A short, deterministic fuzz smoke pass for the test command: the fuzz targets' inputs (the
//! seeds under `fuzz/seeds/`), mutated byte by byte with a fixed-seed generator, go through the
//! same entry points as the cargo-fuzz targets. Nothing may panic; every answer is a value or an
//! error with a code. The long runs are `scripts/fuzz.sh` (FUZZING.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use origo::Rulebook;
use std::path::Path;

/// xorshift64*: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap()
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"-1",
    b"1e400",
    b"null",
    b"\"unknown\"",
    b"\\u0000",
    b"#read(\"/etc/passwd\")",
    b"99999999999999999999999999999999999999",
];

fn mutate(seed: &[u8], rng: &mut Rng) -> String {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(3) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, t.iter().copied());
            }
            _ => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = b"0123456789\"{}[],:-. aZ"[rng.below(22)];
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn run(target: &str, rounds: usize, mut f: impl FnMut(&str)) {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for seed in seeds(target) {
        f(&String::from_utf8_lossy(&seed));
        for _ in 0..rounds {
            f(&mutate(&seed, &mut rng));
        }
    }
}

fn answer_or_coded_error(r: origo::Result<String>) {
    if let Err(e) = r {
        assert!(!e.code.is_empty() && !e.message.zh.is_empty() && !e.message.en.is_empty(), "{e:?}");
    }
}

#[test]
fn certificates_through_check() {
    let rb = Rulebook::builtin().unwrap();
    run("check", 150, |text| {
        answer_or_coded_error(origo::api::call("check", &format!("{{\"certificate\":{text}}}"), &rb));
        if let Err(why) = origo_tests::reader_keeps_its_promises(text, &rb) {
            panic!("{why}: {text}");
        }
    });
}

#[test]
fn products_through_origin() {
    let rb = Rulebook::builtin().unwrap();
    run("origin", 100, |text| {
        for agreement in ["asean", "rcep", "apta", "non_preferential", "processing"] {
            let request = format!("{{\"product\":{text},\"agreement\":\"{agreement}\"}}");
            answer_or_coded_error(origo::api::call("determine_origin", &request, &rb));
        }
    });
}

#[test]
fn rule_texts_through_parse_and_evaluate() {
    run("rule", 100, |text| {
        let _ = origo::origin::expr::parse(text, 2_000);
        let mut files = origo::rulebook::builtin_files();
        files.push((
            "psr/asean.csv".to_string(),
            format!("hs_prefix,rule,source\n85,\"{}\",smoke\n", text.replace('"', "\"\"")),
        ));
        if let Ok(rb) = Rulebook::from_texts(files) {
            let product =
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/products/kettle.json"))
                    .unwrap();
            answer_or_coded_error(origo::api::call(
                "determine_origin",
                &format!("{{\"product\":{product},\"agreement\":\"asean\"}}"),
                &rb,
            ));
        }
    });
}

#[test]
fn rulebook_files_through_the_loader() {
    let files = origo::rulebook::builtin_files();
    let mut rng = Rng(42);
    for round in 0..40 {
        let victim = round % files.len();
        let mutated: Vec<(String, String)> = files
            .iter()
            .enumerate()
            .map(|(i, (p, t))| (p.clone(), if i == victim { mutate(t.as_bytes(), &mut rng) } else { t.clone() }))
            .collect();
        if let Err(e) = Rulebook::from_texts(mutated) {
            assert!(e.code.starts_with("rulebook_") || e.code == "input_too_large", "{e:?}");
        }
    }
}
