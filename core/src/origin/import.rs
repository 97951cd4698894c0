//! Batch import of product pre-reviews (FAQ Q72, Q73, Q78): a goods table and a materials table,
//! one CSV per sheet of the system's Excel template, linked by the goods serial number.
//!
//! Every row is validated and every error is reported with its file, row and column; when there
//! is any error no product is returned (nothing is half-imported).

use crate::finding::Message;
use crate::model::{
    Costs, Country, Currency, HsCode, Manufacturer, Material, MaterialOrigin, Product, ProductStatus, ValueBasis,
};
use crate::rulebook::Rulebook;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Columns of the goods table; `*` marks the required ones.
pub const GOODS_COLUMNS: &[&str] = &[
    "serial*",
    "id",
    "hs_code*",
    "tariff_version",
    "name_zh",
    "name_en*",
    "model",
    "unit",
    "manufacturer_name_zh*",
    "manufacturer_name_en",
    "manufacturer_address*",
    "manufacturer_country*",
    "currency*",
    "unit_fob",
    "unit_exw",
    "wholly_obtained",
    "processing",
    "minimal_operations",
    "chemical_reaction",
    "direct_labour",
    "direct_overhead",
    "profit",
    "other_costs",
];

/// The build-up cost columns (RCEP Art. 3.5): all of them filled, or none.
const COST_COLUMNS: [&str; 4] = ["direct_labour", "direct_overhead", "profit", "other_costs"];

/// Columns of the materials table; `*` marks the required ones.
pub const MATERIAL_COLUMNS: &[&str] =
    &["goods_serial*", "name*", "hs_code", "origin*", "quantity", "unit", "value*", "basis"];

/// Most errors reported at once.
const MAX_ERRORS: usize = 200;

/// One import error: where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ImportError {
    /// `goods` or `materials`.
    pub file: String,
    /// 1-based line in the file (the header is line 1).
    pub row: usize,
    /// The column's name; empty for the whole row.
    pub column: String,
    /// What is wrong.
    pub message: Message,
}

/// The imported products, or every error (then `products` is empty).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Imported {
    /// `true` when there is no error.
    pub ok: bool,
    /// The products, in goods-table order.
    pub products: Vec<Product>,
    /// Every error found.
    pub errors: Vec<ImportError>,
}

struct Sheet<'a> {
    file: &'static str,
    errors: &'a mut Vec<ImportError>,
}

impl Sheet<'_> {
    fn err(&mut self, row: usize, column: &str, zh: String, en: String) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(ImportError {
                file: self.file.to_string(),
                row,
                column: column.to_string(),
                message: Message { zh, en },
            });
        }
    }
}

/// A row as `column -> text`.
type Row = (usize, BTreeMap<String, String>);

fn read(sheet: &mut Sheet<'_>, text: &str, columns: &[&str], max_rows: usize) -> Vec<Row> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            sheet.err(1, "", format!("无法读取表头：{e}"), format!("cannot read the header: {e}"));
            return Vec::new();
        }
    };
    for c in columns {
        let name = c.trim_end_matches('*');
        if c.ends_with('*') && !header.iter().any(|h| h == name) {
            sheet.err(1, name, format!("缺少必填列 `{name}`"), format!("required column `{name}` is missing"));
        }
    }
    for h in &header {
        if !columns.iter().any(|c| c.trim_end_matches('*') == h) {
            sheet.err(1, h, format!("未知列 `{h}`"), format!("unknown column `{h}`"));
        }
    }
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        if i >= max_rows {
            sheet.err(line, "", format!("超过 {max_rows} 行"), format!("more than {max_rows} rows"));
            break;
        }
        match rec {
            Ok(r) if r.iter().all(|f| f.trim().is_empty()) => {}
            Ok(r) => {
                if r.len() > header.len() {
                    sheet.err(line, "", "字段多于表头".into(), "more fields than the header has".into());
                }
                let map = header.iter().cloned().zip(r.iter().map(|f| f.trim().to_string())).collect();
                rows.push((line, map));
            }
            Err(e) => sheet.err(line, "", format!("无法读取：{e}"), format!("cannot read: {e}")),
        }
    }
    rows
}

fn get<'r>(row: &'r Row, col: &str) -> Option<&'r str> {
    row.1.get(col).map(String::as_str).filter(|s| !s.is_empty())
}

fn required<'r>(sheet: &mut Sheet<'_>, row: &'r Row, col: &str) -> Option<&'r str> {
    let v = get(row, col);
    if v.is_none() {
        sheet.err(row.0, col, format!("`{col}` 必填"), format!("`{col}` is required"));
    }
    v
}

fn parse<T>(
    sheet: &mut Sheet<'_>,
    row: &Row,
    col: &str,
    v: Option<&str>,
    f: impl Fn(&str) -> Result<T, Message>,
) -> Option<T> {
    let v = v?;
    match f(v) {
        Ok(x) => Some(x),
        Err(why) => {
            sheet.err(row.0, col, format!("`{v}` 无效：{}", why.zh), format!("`{v}` is not valid: {}", why.en));
            None
        }
    }
}

fn decimal(s: &str) -> Result<Decimal, Message> {
    Decimal::from_str(s).map_err(|_| Message::new("不是十进制数", "not a decimal number"))
}

fn yes_no(v: &str) -> Result<bool, Message> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "是" => Ok(true),
        "no" | "false" | "0" | "否" => Ok(false),
        _ => Err(Message::new("请填“是”或“否”（yes/no）", "use yes or no")),
    }
}

/// The build-up costs of a goods row: every cost column a decimal of at least zero, all or none.
fn costs(s: &mut Sheet<'_>, row: &Row) -> Option<Costs> {
    if COST_COLUMNS.iter().all(|c| get(row, c).is_none()) {
        return None;
    }
    let mut v = [Decimal::ZERO; 4];
    let mut ok = true;
    for (slot, col) in v.iter_mut().zip(COST_COLUMNS) {
        let Some(text) = get(row, col) else {
            s.err(
                row.0,
                col,
                format!("成本列须全部填写或全部留空：缺少 `{col}`"),
                format!("the cost columns are all filled or all empty: `{col}` is missing"),
            );
            ok = false;
            continue;
        };
        let non_negative = |t: &str| match decimal(t) {
            Ok(d) if d < Decimal::ZERO => Err(Message::new("成本不能为负数", "a cost must not be negative")),
            other => other,
        };
        match parse(s, row, col, Some(text), non_negative) {
            Some(d) => *slot = d,
            None => ok = false,
        }
    }
    let [direct_labour, direct_overhead, profit, other] = v;
    ok.then_some(Costs { direct_labour, direct_overhead, profit, other })
}

fn list(s: Option<&str>) -> Vec<String> {
    s.map(|s| s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()).unwrap_or_default()
}

/// Imports the two tables. Rows beyond the rulebook's `max_import_rows` are refused.
pub fn import(goods_csv: &str, materials_csv: &str, rb: &Rulebook) -> Imported {
    let max = rb.limits().max_import_rows;
    let mut errors = Vec::new();
    let goods = read(&mut Sheet { file: "goods", errors: &mut errors }, goods_csv, GOODS_COLUMNS, max);
    let mats = read(&mut Sheet { file: "materials", errors: &mut errors }, materials_csv, MATERIAL_COLUMNS, max);
    let mut products: Vec<(usize, Product)> = Vec::new();
    // Serials of rows with errors map to `None`: their materials are not reported again.
    let mut by_serial: BTreeMap<String, Option<usize>> = BTreeMap::new();
    {
        let mut s = Sheet { file: "goods", errors: &mut errors };
        for row in &goods {
            let serial = required(&mut s, row, "serial");
            let hs = required(&mut s, row, "hs_code");
            let hs = parse(&mut s, row, "hs_code", hs, HsCode::parse);
            let name_en = required(&mut s, row, "name_en");
            let m_zh = required(&mut s, row, "manufacturer_name_zh");
            let m_addr = required(&mut s, row, "manufacturer_address");
            let m_country = required(&mut s, row, "manufacturer_country");
            let m_country = parse(&mut s, row, "manufacturer_country", m_country, Country::parse);
            let cur = required(&mut s, row, "currency");
            let currency = parse(&mut s, row, "currency", cur, Currency::parse);
            let unit_fob = parse(&mut s, row, "unit_fob", get(row, "unit_fob"), decimal);
            let unit_exw = parse(&mut s, row, "unit_exw", get(row, "unit_exw"), decimal);
            let wholly = parse(&mut s, row, "wholly_obtained", get(row, "wholly_obtained"), yes_no);
            let chemical = parse(&mut s, row, "chemical_reaction", get(row, "chemical_reaction"), yes_no);
            let costs = costs(&mut s, row);
            let minimal = get(row, "minimal_operations").map(|v| {
                if v.eq_ignore_ascii_case("none") {
                    Vec::new()
                } else {
                    list(Some(v))
                }
            });
            let (Some(hs), Some(name_en), Some(m_zh), Some(m_addr), Some(m_country), Some(currency)) =
                (hs, name_en, m_zh, m_addr, m_country, currency)
            else {
                if let Some(serial) = serial {
                    by_serial.entry(serial.to_string()).or_insert(None);
                }
                continue;
            };
            let Some(serial) = serial else { continue };
            if by_serial.insert(serial.to_string(), Some(products.len())).is_some() {
                s.err(row.0, "serial", format!("序号 {serial} 重复"), format!("serial {serial} appears twice"));
                continue;
            }
            let product = Product {
                id: get(row, "id").unwrap_or(serial).to_string(),
                status: Some(ProductStatus::Draft),
                hs_code: hs,
                tariff_version: get(row, "tariff_version").map(String::from),
                name_zh: get(row, "name_zh").map(String::from),
                name_en: name_en.to_string(),
                model: get(row, "model").map(String::from),
                unit: get(row, "unit").map(String::from),
                manufacturer: Some(Manufacturer {
                    name_zh: m_zh.to_string(),
                    name_en: get(row, "manufacturer_name_en").map(String::from),
                    address: m_addr.to_string(),
                    country: m_country,
                }),
                currency,
                unit_fob,
                unit_exw,
                wholly_obtained: wholly.unwrap_or(false),
                materials: Vec::new(),
                processing: list(get(row, "processing")),
                chemical_reaction: chemical.unwrap_or(false),
                costs,
                minimal_operations: minimal,
            };
            products.push((row.0, product));
        }
    }
    {
        let mut s = Sheet { file: "materials", errors: &mut errors };
        for row in &mats {
            let serial = required(&mut s, row, "goods_serial");
            let name = required(&mut s, row, "name");
            let hs = parse(&mut s, row, "hs_code", get(row, "hs_code"), HsCode::parse);
            let origin = required(&mut s, row, "origin");
            let origin = parse(&mut s, row, "origin", origin, MaterialOrigin::parse);
            let quantity = parse(&mut s, row, "quantity", get(row, "quantity"), decimal);
            let value = required(&mut s, row, "value");
            let value = parse(&mut s, row, "value", value, decimal);
            let basis = parse(&mut s, row, "basis", get(row, "basis"), |v| match v.to_ascii_lowercase().as_str() {
                "fob" | "cif" => Ok(ValueBasis::Fob),
                "exw" => Ok(ValueBasis::Exw),
                _ => Err(Message::new("请填 FOB 或 EXW", "use FOB or EXW")),
            });
            let (Some(serial), Some(name), Some(origin), Some(value)) = (serial, name, origin, value) else {
                continue;
            };
            let i = match by_serial.get(serial) {
                Some(Some(i)) => *i,
                Some(None) => continue,
                None => {
                    s.err(
                        row.0,
                        "goods_serial",
                        format!("商品表中没有序号 {serial}"),
                        format!("no goods row has serial {serial}"),
                    );
                    continue;
                }
            };
            products[i].1.materials.push(Material {
                name: name.to_string(),
                hs_code: hs,
                origin,
                quantity,
                unit: get(row, "unit").map(String::from),
                value,
                basis: basis.unwrap_or_default(),
            });
        }
    }
    let mut s = Sheet { file: "goods", errors: &mut errors };
    for (line, p) in &products {
        if let Err(e) = super::validate(p, rb) {
            let column = e.path.trim_start_matches("product.").split(['[', '.']).next().unwrap_or("").to_string();
            s.err(*line, &column, e.message.zh, e.message.en);
        }
    }
    let ok = errors.is_empty();
    Imported { ok, products: if ok { products.into_iter().map(|(_, p)| p).collect() } else { Vec::new() }, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOODS: &str = "serial,hs_code,name_en,manufacturer_name_zh,manufacturer_address,manufacturer_country,currency,unit_fob,minimal_operations\n\
        1,8516.60,RICE COOKER,某电器厂,广东省佛山市,CN,USD,20.00,none\n\
        2,9403.60,TABLE,某家具厂,浙江省安吉县,CN,USD,50,\n";
    const MATS: &str = "goods_serial,name,hs_code,origin,value,basis\n\
        1,HEATING PLATE,8516.80,JP,4.00,FOB\n\
        1,HOUSING,3926.90,CN,3.00,FOB\n\
        2,BOARD,4410.11,unknown,10,FOB\n";

    #[test]
    fn links_materials_by_serial() {
        let rb = Rulebook::builtin().unwrap();
        let r = import(GOODS, MATS, &rb);
        assert!(r.ok, "{:?}", r.errors);
        assert_eq!(r.products.len(), 2);
        assert_eq!(r.products[0].materials.len(), 2);
        assert_eq!(r.products[0].minimal_operations, Some(vec![]));
        assert_eq!(r.products[1].materials[0].origin, MaterialOrigin::Unknown);
    }

    #[test]
    fn every_error_has_file_row_column_and_nothing_is_half_imported() {
        let rb = Rulebook::builtin().unwrap();
        let goods = GOODS.replace("8516.60", "85166").replace("20.00", "-1");
        let mats = format!("{MATS}9,GHOST,,CN,1,FOB\n1,X,,XXX,1,FOB\n");
        let r = import(&goods, &mats, &rb);
        assert!(!r.ok);
        assert!(r.products.is_empty());
        let at: Vec<_> = r.errors.iter().map(|e| (e.file.as_str(), e.row, e.column.as_str())).collect();
        assert!(at.contains(&("goods", 2, "hs_code")), "{at:?}");
        assert!(at.contains(&("materials", 5, "goods_serial")), "{at:?}");
        assert!(at.contains(&("materials", 6, "origin")), "{at:?}");
        // The reason is in each message's own language.
        let hs = r.errors.iter().find(|e| e.column == "hs_code").unwrap();
        assert!(hs.message.zh.contains("不是 HS 编码") && hs.message.en.contains("is not an HS code"), "{hs:?}");
        for e in &r.errors {
            assert!(!e.message.zh.contains(" is not") && !e.message.zh.contains("use "), "{e:?}");
        }
    }

    #[test]
    fn product_level_errors_point_at_the_goods_row() {
        let rb = Rulebook::builtin().unwrap();
        let r = import(GOODS, &MATS.replace("4.00", "40.00"), &rb);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!((r.errors[0].row, r.errors[0].column.as_str()), (2, "materials"));
    }

    #[test]
    fn build_up_costs_come_all_together_or_not_at_all() {
        let rb = Rulebook::builtin().unwrap();
        let head = "serial,hs_code,name_en,manufacturer_name_zh,manufacturer_address,manufacturer_country,currency,unit_fob,chemical_reaction,direct_labour,direct_overhead,profit,other_costs\n";
        let row = |tail: &str| format!("{head}1,8516.60,RICE COOKER,某电器厂,广东省佛山市,CN,USD,20.00,{tail}\n");
        let mats = "goods_serial,name,origin,value\n";
        let r = import(&row("yes,2,1.5,3,0.25"), mats, &rb);
        assert!(r.ok, "{:?}", r.errors);
        let c = r.products[0].costs.as_ref().unwrap();
        assert_eq!((c.direct_overhead, c.other), (Decimal::new(15, 1), Decimal::new(25, 2)));
        assert!(r.products[0].chemical_reaction);
        let r = import(&row("no,,,,"), mats, &rb);
        assert!(r.ok && r.products[0].costs.is_none() && !r.products[0].chemical_reaction);
        let r = import(&row(",2,x,,-1"), mats, &rb);
        let at: Vec<_> = r.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, [(2, "direct_overhead"), (2, "profit"), (2, "other_costs")]);
        assert!(r.products.is_empty());
    }

    #[test]
    fn missing_columns_and_too_many_rows_are_refused() {
        let mut rb_limits = Rulebook::builtin().unwrap();
        let r = import("serial,name_en\n1,X\n", MATS, &rb_limits);
        assert!(r.errors.iter().any(|e| e.row == 1 && e.column == "hs_code"));
        rb_limits = Rulebook::builtin().unwrap();
        let many = format!(
            "{}{}",
            "goods_serial,name,origin,value\n",
            "1,X,CN,1\n".repeat(rb_limits.limits().max_import_rows + 1)
        );
        let r = import(GOODS, &many, &rb_limits);
        assert!(r.errors.iter().any(|e| e.message.en.contains("more than")));
    }
}
