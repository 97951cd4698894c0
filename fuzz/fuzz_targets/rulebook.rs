//! A host's rulebook files -> load: malformed TOML/CSV gives an error naming the file, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Replace one embedded file at a time with the fuzz input, keeping the rest valid, so the
    // fuzzer reaches every file kind's parser.
    let files = origo_rules_files();
    let Some(first) = data.first() else { return };
    let victim = usize::from(*first) % files.len();
    let texts = files.iter().enumerate().map(|(i, (p, t))| {
        (p.clone(), if i == victim { text.get(1..).unwrap_or("").to_string() } else { t.clone() })
    });
    let _ = origo::Rulebook::from_texts(texts);
});

fn origo_rules_files() -> Vec<(String, String)> {
    origo::rulebook::builtin_files()
}
