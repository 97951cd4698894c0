use super::*;
use crate::model::{Flags, GoodsItem};
use typst::layout::{Frame, FrameItem};

const EXAMPLE: &str = include_str!("../../../examples/certificates/non_preferential.json");

fn rulebook() -> Rulebook {
    Rulebook::builtin().unwrap()
}

/// Checks once and renders, as the `render` operation does.
fn render(cert: &Certificate, rb: &Rulebook, options: &RenderOptions) -> Result<Vec<u8>> {
    crate::api::render::Render::draw(cert, options, rb).map(|r| r.bytes)
}

/// Checks once and lays out.
fn compile(cert: &Certificate, rb: &Rulebook, options: &RenderOptions) -> Result<(PagedDocument, Datetime)> {
    super::compile(cert, &crate::check_certificate(cert, rb, None)?, rb, options)
}

/// The bundled example turned into a certificate of another type, with every box filled.
pub(super) fn sample(code: &str) -> Certificate {
    let mut cert: Certificate = serde_json::from_str(EXAMPLE).unwrap();
    cert.agreement = code.to_string();
    cert.certificate_no = Some(format!("{}26330A0001", code.chars().next().unwrap_or('C').to_ascii_uppercase()));
    cert.producer = Some(cert.exporter.clone());
    cert.remarks = Some("ORDER NO. PO-7781".to_string());
    cert.dates.signing = cert.dates.application;
    cert.dates.signing_place = Some("NINGBO".to_string());
    cert.flags = Flags { issued_retroactively: true, ..Flags::default() };
    cert
}

/// The builtin rulebook with a tighter page bound, loaded from a scratch directory.
fn rulebook_with_max_pages(n: usize) -> Rulebook {
    let dir = std::env::temp_dir().join(format!("origo-render-{}-{n}", std::process::id()));
    for f in origo_rules::FILES {
        let path = dir.join(f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if f.path == "rulebook.toml" {
            let at = f.text.find("max_pages").unwrap();
            let end = at + f.text[at..].find('\n').unwrap();
            format!("{}max_pages = {n}{}", &f.text[..at], &f.text[end..])
        } else {
            f.text.to_string()
        };
        std::fs::write(path, text).unwrap();
    }
    let rb = Rulebook::from_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    rb
}

fn png(cert: &Certificate, page: usize) -> Vec<u8> {
    let opts =
        RenderOptions { format: Format::Png, png_dpi: 54, page: NonZeroUsize::new(page), ..RenderOptions::default() };
    render(cert, &rulebook(), &opts).unwrap()
}

fn texts(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Text(t) => out.push_str(&t.text),
            FrameItem::Group(g) => texts(&g.frame, out),
            _ => {}
        }
    }
}

fn document_text(cert: &Certificate, options: &RenderOptions) -> String {
    let (doc, _) = compile(cert, &rulebook(), options).unwrap();
    let mut s = String::new();
    for page in doc.pages() {
        texts(&page.frame, &mut s);
    }
    s
}

/// Per mille of pixels whose colour differs noticeably between two PNGs of the same size.
fn difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let decode = |bytes: &[u8]| {
        RasterImage::plain(Bytes::new(bytes.to_vec()), ExchangeFormat::Png).ok().map(|i| i.dynamic().to_rgba8())
    };
    let (a, b) = (decode(a)?, decode(b)?);
    if a.dimensions() != b.dimensions() {
        return None;
    }
    let differing = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
        .count();
    Some(differing * 1000 / (a.width() * a.height()) as usize)
}

#[test]
fn every_form_matches_its_reference_png() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/ref");
    let bless = std::env::var_os("ORIGO_BLESS").is_some();
    let mut failures = Vec::new();
    for (code, _) in origo_templates::FORMS {
        let got = png(&sample(code), 1);
        let path = format!("{dir}/{code}.png");
        if bless {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        match difference(&got, &want) {
            Some(d) if d < 10 => {}
            other => failures.push(format!(
                "{code}: {other:?} per mille of the pixels differ (run with ORIGO_BLESS=1 after checking)"
            )),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_invoice_and_back_pages_render() {
    let rb = rulebook();
    let cert = sample("asean");
    let invoice = RenderOptions { document: Document::Invoice, ..RenderOptions::default() };
    assert!(render(&cert, &rb, &invoice).unwrap().starts_with(b"%PDF"));
    let text = document_text(&cert, &invoice);
    assert!(text.contains("COMMERCIALINVOICE") || text.contains("COMMERCIAL"), "{text}");
    for code in origo_templates::OVERLEAF {
        let back = RenderOptions { back: true, format: Format::Svg, ..RenderOptions::default() };
        let svg = render(&sample(code), &rb, &back).unwrap();
        assert!(svg.starts_with(b"<svg"), "{code}");
    }
    let err = render(&sample("korea"), &rb, &RenderOptions { back: true, ..RenderOptions::default() }).unwrap_err();
    assert_eq!(err.code, codes::NO_BACK_PAGE.code);
}

#[test]
fn one_page_of_a_pdf_the_back_or_a_numbered_one() {
    let rb = rulebook();
    let cert = sample("asean");
    let back = RenderOptions { back: true, ..RenderOptions::default() };
    assert!(render(&cert, &rb, &back).unwrap().starts_with(b"%PDF"));
    let first = RenderOptions { page: std::num::NonZeroUsize::new(1), ..RenderOptions::default() };
    assert!(render(&cert, &rb, &first).unwrap().starts_with(b"%PDF"));
}

#[test]
fn same_input_gives_identical_pdf_bytes() {
    let rb = rulebook();
    let cert = sample("rcep");
    let a = render(&cert, &rb, &RenderOptions::default()).unwrap();
    let b = render(&cert, &rb, &RenderOptions::default()).unwrap();
    assert!(a.starts_with(b"%PDF"));
    assert_eq!(a, b);
}

#[test]
fn typst_syntax_in_every_text_field_renders_literally_and_reads_nothing() {
    let payload = r#"#read("/etc/passwd") ] [ $x^2$ *bold* _em_ @label <tag> \ \\ // c /* c */ #eval("1+1") #include "/etc/hostname""#;
    let long = "W".repeat(300);
    let mut cert = sample("non_preferential");
    let p = format!("{payload} {long}");
    cert.exporter.name = p.clone();
    cert.exporter.address = Some(p.clone());
    cert.consignee.name = p.clone();
    cert.remarks = Some(p.clone());
    cert.transport.port_of_loading = Some(p.clone());
    cert.transport.vessel = Some(p.clone());
    cert.invoice.number = p.clone();
    cert.dates.signing_place = Some(p.clone());
    cert.certificate_no = Some(p.clone());
    for g in &mut cert.goods {
        g.name = p.clone();
        g.marks = Some(p.clone());
        g.unit = p.clone();
    }
    for code in ["non_preferential", "asean", "korea", "ecfa"] {
        cert.agreement = code.to_string();
        let text = document_text(&cert, &RenderOptions::default());
        let flat: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
        let want: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.matches(&want).count() >= 10, "{code}: payload not printed literally:\n{flat}");
        assert!(flat.contains(&long), "{code}: long word lost");
        assert!(!text.contains("root:"), "{code}: read a file");
    }
}

#[test]
fn five_hundred_goods_items_run_onto_numbered_continuation_sheets() {
    let rb = rulebook();
    let mut cert = sample("asean");
    let item = cert.goods[0].clone();
    cert.goods = (1..=500).map(|i| GoodsItem { item_no: i, ..item.clone() }).collect();
    let (doc, _) = compile(&cert, &rb, &RenderOptions::default()).unwrap();
    let pages = doc.pages().len();
    assert!((10..=120).contains(&pages), "{pages} pages");
    let mut last = String::new();
    texts(&doc.pages()[pages - 2].frame, &mut last);
    assert!(last.contains("500"), "the last sheet holds item 500: {last}");
    let mut first = String::new();
    texts(&doc.pages()[0].frame, &mut first);
    assert!(first.contains("CONTINUED"), "{first}");

    let tight = rulebook_with_max_pages(5);
    let err = render(&cert, &tight, &RenderOptions::default()).unwrap_err();
    assert_eq!(err.code, codes::TOO_MANY_PAGES.code);
}

#[test]
fn bad_input_fails_clearly() {
    let rb = rulebook();
    let mut cert = sample("asean");
    cert.agreement = "atlantis".to_string();
    assert_eq!(render(&cert, &rb, &RenderOptions::default()).unwrap_err().code, codes::UNKNOWN_AGREEMENT.code);

    let cert = sample("asean");
    let not_image = RenderOptions { seal: Some(b"GIF89a not really".to_vec()), ..RenderOptions::default() };
    assert_eq!(render(&cert, &rb, &not_image).unwrap_err().code, codes::IMAGE_INVALID.code);
    let text = RenderOptions { signature: Some(b"hello".to_vec()), ..RenderOptions::default() };
    assert_eq!(render(&cert, &rb, &text).unwrap_err().code, codes::IMAGE_INVALID.code);
    let huge = RenderOptions { seal: Some(vec![0; 50 * 1024 * 1024]), ..RenderOptions::default() };
    assert_eq!(render(&cert, &rb, &huge).unwrap_err().code, codes::IMAGE_TOO_LARGE.code);
    let font = RenderOptions { fonts: vec![b"not a font".to_vec()], ..RenderOptions::default() };
    assert_eq!(render(&cert, &rb, &font).unwrap_err().code, codes::FONT_INVALID.code);
    let page = RenderOptions { page: NonZeroUsize::new(40), ..RenderOptions::default() };
    assert_eq!(render(&cert, &rb, &page).unwrap_err().code, codes::PAGE_OUT_OF_RANGE.code);

    let mut long = sample("asean");
    long.goods[0].description = Some("LINE\n".repeat(400));
    assert_eq!(render(&long, &rb, &RenderOptions::default()).unwrap_err().code, codes::GOODS_ITEM_TOO_LONG.code);
}

#[test]
fn chinese_text_uses_the_embedded_font() {
    let mut cert = sample("ecfa");
    cert.goods[0].description = Some("电热水壶 600箱".to_string());
    let text = document_text(&cert, &RenderOptions::default());
    assert!(text.contains("海峡两岸经济合作框架协议") && text.contains("电热水壶"), "{text}");
    let (doc, _) = compile(&cert, &rulebook(), &RenderOptions::default()).unwrap();
    fn tofu(frame: &Frame) -> usize {
        frame
            .items()
            .map(|(_, i)| match i {
                FrameItem::Text(t) => t.glyphs.iter().filter(|g| g.id == 0).count(),
                FrameItem::Group(g) => tofu(&g.frame),
                _ => 0,
            })
            .sum()
    }
    assert_eq!(doc.pages().iter().map(|p| tofu(&p.frame)).sum::<usize>(), 0);
}

/// Peak memory over 1,000 renders in one process stays flat (run with `--ignored`; Linux only).
#[test]
#[ignore]
fn a_thousand_renders_keep_memory_flat() {
    fn hwm_kb() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
    let rb = rulebook();
    let mut cert = sample("asean");
    let mut after_100 = 0;
    for i in 0..1000 {
        cert.certificate_no = Some(format!("E2633{i:08}"));
        render(&cert, &rb, &RenderOptions::default()).unwrap();
        if i == 99 {
            after_100 = hwm_kb();
        }
    }
    let after_1000 = hwm_kb();
    eprintln!("peak RSS after 100 renders: {after_100} kB, after 1000: {after_1000} kB");
    assert!(after_1000 < after_100 + after_100 / 5, "memory grew: {after_100} kB -> {after_1000} kB");
}

/// Writes every form's pages as 100 dpi PNGs into `$ORIGO_REVIEW_DIR` for a person to look at
/// (run with `--ignored`).
#[test]
#[ignore]
fn write_pages_for_review() {
    let Some(dir) = std::env::var_os("ORIGO_REVIEW_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rb = rulebook();
    for (code, _) in origo_templates::FORMS {
        let cert = sample(code);
        let (doc, _) = compile(&cert, &rb, &RenderOptions::default()).unwrap();
        for page in 1..=doc.pages().len() {
            let opts = RenderOptions {
                format: Format::Png,
                png_dpi: 100,
                page: NonZeroUsize::new(page),
                ..RenderOptions::default()
            };
            std::fs::write(dir.join(format!("{code}-{page}.png")), render(&cert, &rb, &opts).unwrap()).unwrap();
        }
    }
    let invoice =
        RenderOptions { document: Document::Invoice, format: Format::Png, png_dpi: 100, ..RenderOptions::default() };
    std::fs::write(dir.join("invoice-1.png"), render(&sample("asean"), &rb, &invoice).unwrap()).unwrap();
}

#[test]
fn processing_box_11_prints_the_country_of_manufacture() {
    let mut cert = sample("processing");
    for p in &mut cert.products {
        for m in &mut p.materials {
            m.origin = crate::model::MaterialOrigin::Country(crate::model::Country::parse("JP").unwrap());
        }
    }
    let text = document_text(&cert, &RenderOptions::default());
    assert!(text.contains("JAPAN"), "{text}");
}

#[test]
fn image_marks_print_on_an_attachment_sheet_before_the_overleaf() {
    use crate::model::{Attachment, AttachmentKind};
    use base64::Engine as _;
    let rb = rulebook();
    let mut cert = sample("asean");
    let plain_pages = compile(&cert, &rb, &RenderOptions::default()).unwrap().0.pages().len();
    let encoded = base64::engine::general_purpose::STANDARD.encode(png(&sample("korea"), 1));
    // Wrapped at 76 columns, as mail-style encoders do.
    let wrapped = encoded.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>();
    cert.goods[0].marks = Some("SEE ATTACHMENT".to_string());
    cert.attachments.push(Attachment {
        kind: AttachmentKind::MarksImage,
        name: "marks.png".to_string(),
        media_type: Some("image/png".to_string()),
        data_base64: Some(wrapped.join("\n")),
    });
    let (doc, _) = compile(&cert, &rb, &RenderOptions::default()).unwrap();
    let pages = doc.pages();
    assert_eq!(pages.len(), plain_pages + 1);
    let sheet = &pages[pages.len() - 2].frame;
    let mut text = String::new();
    texts(sheet, &mut text);
    assert!(text.contains("SHIPPING") && text.contains("A26330A0001"), "{text}");
    fn images(frame: &Frame) -> usize {
        frame
            .items()
            .map(|(_, i)| match i {
                FrameItem::Image(..) => 1,
                FrameItem::Group(g) => images(&g.frame),
                _ => 0,
            })
            .sum()
    }
    assert_eq!(images(sheet), 1);
    let mut back = String::new();
    texts(&pages[pages.len() - 1].frame, &mut back);
    assert!(back.contains("OVERLEAF"), "the overleaf stays last: {back}");

    let index = cert.attachments.len() - 1;
    for (data, why) in [("not base64 at all!", "bad base64"), ("aGVsbG8gd29ybGQ=", "not an image")] {
        cert.attachments[index].data_base64 = Some(data.to_string());
        let err = render(&cert, &rb, &RenderOptions::default()).unwrap_err();
        assert_eq!(err.code, codes::IMAGE_INVALID.code, "{why}");
        assert_eq!(err.path, format!("attachments[{index}].data_base64"), "{why}");
    }
}

#[test]
fn each_row_prints_its_own_item_even_when_numbers_repeat() {
    let mut cert = sample("asean");
    let mut twin = cert.goods[0].clone();
    twin.name = "SECOND ITEM WITH A REPEATED NUMBER".to_string();
    twin.description = None;
    cert.goods.push(twin);
    let text = document_text(&cert, &RenderOptions::default());
    let flat: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
    assert!(flat.contains("SECONDITEMWITHAREPEATEDNUMBER"), "{flat}");
}

fn letter() -> super::ReplyLetter {
    serde_json::from_value(serde_json::json!({
        "requester": "Korea Customs Service",
        "reference": "KCS-2026-0142",
        "request_date": "2026-09-01",
        "certificate": "K2633000000000001",
        "issuer": "中国国际贸易促进委员会宁波市分会",
        "creator": "中国国际贸易促进委员会浙江省分会",
        "date": "2026-10-15",
        "conclusion_zh": "经核查，该证书所列货物符合原产地规则，证书真实有效。",
        "conclusion_en": "The goods meet the rules of origin; the certificate is authentic and valid."
    }))
    .unwrap()
}

#[test]
fn the_verification_reply_letter_is_bilingual_and_literal() {
    let mut l = letter();
    l.requester = "#read(\"/data.json\") *Korea*".into();
    let (doc, _) = super::letter::compile_letter(&l).unwrap();
    let mut s = String::new();
    for page in doc.pages() {
        texts(&page.frame, &mut s);
    }
    for want in [
        "核查回函",
        "Reply to the Request for Verification",
        "K2633000000000001",
        "证书真实有效",
        "authentic and valid",
        "#read(\"/data.json\") *Korea*",
        "2026-10-15",
    ] {
        assert!(s.contains(want), "missing {want:?} in {s}");
    }
    let pdf = super::render_reply_letter(&letter(), &rulebook(), Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(pdf, super::render_reply_letter(&letter(), &rulebook(), Format::Pdf).unwrap());
    let mut empty = letter();
    empty.conclusion_en = " ".into();
    let e = super::render_reply_letter(&empty, &rulebook(), Format::Svg).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "conclusion_en"));
}

/// The QR codes a PNG page shows, decoded.
fn qr_codes(png: &[u8]) -> Vec<String> {
    let img = RasterImage::plain(Bytes::new(png.to_vec()), ExchangeFormat::Png).unwrap().dynamic().to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.get_pixel(x as u32, y as u32).0[0]);
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

#[test]
fn the_verification_mark_is_off_by_default_and_decodes_to_the_hosts_address() {
    let rb = rulebook();
    let cert = sample("korea");
    let png = |verify_url: Option<&str>| {
        let opts = RenderOptions {
            format: Format::Png,
            png_dpi: 200,
            verify_url: verify_url.map(str::to_string),
            ..RenderOptions::default()
        };
        render(&cert, &rb, &opts).unwrap()
    };
    assert_eq!(qr_codes(&png(None)), Vec::<String>::new(), "off by default");
    assert_eq!(
        qr_codes(&png(Some("https://verify.example/co?no={number}&v=1"))),
        ["https://verify.example/co?no=K26330A0001&v=1"]
    );
    assert_eq!(qr_codes(&png(Some("https://verify.example/co/"))), ["https://verify.example/co/K26330A0001"]);

    let opts = RenderOptions { verify_url: Some("https://verify.example/co/".into()), ..RenderOptions::default() };
    let text: String = document_text(&cert, &opts).chars().filter(|c| *c != '\u{200B}').collect();
    assert!(text.contains("https://verify.example/co/K26330A0001"), "the address is printed beside it: {text}");
    let mut unnumbered = cert.clone();
    unnumbered.certificate_no = None;
    let text = document_text(&unnumbered, &opts);
    assert!(!text.contains("verify.example"), "no number, nothing to verify: {text}");
}

#[test]
fn certificate_numbers_are_escaped_in_the_verification_address() {
    let mut cert = sample("korea");
    cert.certificate_no = Some("K 26/33&1".into());
    let opts = RenderOptions {
        format: Format::Png,
        png_dpi: 200,
        verify_url: Some("https://v.example/?n={number}".into()),
        ..RenderOptions::default()
    };
    assert_eq!(qr_codes(&render(&cert, &rulebook(), &opts).unwrap()), ["https://v.example/?n=K%2026%2F33%261"]);
}

#[test]
fn the_chinese_form_prints_chinese_wording_dates_and_units_and_fills_every_box() {
    let mut cert: Certificate = serde_json::from_str(include_str!("../../../examples/certificates/ecfa.json")).unwrap();
    cert.certificate_no = Some("H26330A0001".into());
    let text = document_text(&cert, &RenderOptions::default());
    let wanted = [
        "2026年9月3日",
        "2026年8月26日",
        "20800 千克",
        "19200 千克",
        "同上",
        "原产于大陆",
        "出口至台湾",
        "电话：",
        "地址：",
    ];
    for want in wanted.into_iter().chain(["第1页，共1页", "合计："]) {
        assert!(text.contains(want), "missing {want:?} in {text}");
    }
    for english in ["CHINA", "KGS", "G.W.", "SEP.", "AUG.", "Page 1", "TOTAL", "Tel:", "Address"] {
        assert!(!text.contains(english), "English {english:?} on the Chinese form: {text}");
    }
    cert.remarks = None;
    cert.transport.vessel = None;
    cert.producer = None;
    let text = document_text(&cert, &RenderOptions::default());
    assert!(text.matches('无').count() >= 3, "empty boxes say 无: {text}");
}

#[test]
fn english_forms_keep_their_wording() {
    let text = document_text(&sample("asean"), &RenderOptions::default());
    for want in ["MAR. 05, 2026", "G.W. 5400 KGS", "Page 1 of 1", "H.S. CODE: 8516.71", "FOB USD 32,400.00", "* * *"] {
        assert!(text.contains(want), "missing {want:?} in {text}");
    }
    let text = document_text(&sample("chile"), &RenderOptions::default());
    for want in ["TOTAL: 900 CARTONS", "Tel:", "Address:"] {
        assert!(text.contains(want), "missing {want:?} in {text}");
    }
    let text = document_text(&sample("non_preferential"), &RenderOptions::default());
    assert!(text.contains("FROM NINGBO, CHINA TO HAMBURG, GERMANY BY SEA"), "{text}");
    assert!(!text.contains('无') && !text.contains("同上"), "{text}");
}
