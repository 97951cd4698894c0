//! Rule-expression text -> parse, then evaluate as a product-specific rule: never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

const PRODUCT: &str = r#"{"id":"F","hs_code":"851671","name_en":"KETTLE","currency":"USD","unit_fob":"100",
"manufacturer":{"name_zh":"厂","address":"NINGBO","country":"CN"},"minimal_operations":[],
"materials":[{"name":"A","hs_code":"851690","origin":"JP","value":"30"},{"name":"B","hs_code":"7219","origin":"unknown","value":"20"},
{"name":"C","hs_code":"3926","origin":"CN","value":"10"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = origo::origin::expr::parse(text, 2_000);
    let mut files = origo::rulebook::builtin_files();
    let quoted = text.replace('"', "\"\"");
    files.push(("psr/asean.csv".to_string(), format!("hs_prefix,rule,source\n85,\"{quoted}\",fuzz\n")));
    let Ok(rb) = origo::Rulebook::from_texts(files) else { return };
    let request = format!("{{\"product\":{PRODUCT},\"agreement\":\"asean\"}}");
    let _ = origo::api::call("determine_origin", &request, &rb);
});
