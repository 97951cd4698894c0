//! Errors for input origo cannot read at all.
//!
//! A rule violation is never an error: it is a [`Finding`](crate::Finding) in a successful
//! [`Report`](crate::Report). An [`Error`] means the input (or a rulebook) could not be read, so
//! no rule could be applied: malformed JSON, a wrong type, an unknown field, input past a bound.

use crate::finding::{Code, Message};
use serde::Serialize;

/// Input that could not be read: a stable code, the field path and a bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, thiserror::Error)]
#[error("{code} at `{path}`: {}", message.en)]
pub struct Error {
    /// Stable machine-readable code from the catalogue, e.g. `invalid_json`, `input_too_large`.
    pub code: &'static str,
    /// Where in the input, e.g. `goods[3].hs_code`; empty for the whole input.
    pub path: String,
    /// What went wrong, in Chinese and English.
    pub message: Message,
}

impl Error {
    /// An error of a catalogued kind: only codes declared with `codes!` exist.
    pub fn new(code: &Code, path: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error { code: code.code, path: path.into(), message: Message { zh: zh.into(), en: en.into() } }
    }
}

/// `Result` with origo's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The codes of [`Error`]: input that could not be read or used.
pub mod codes {
    crate::finding::codes! {
        ALL;
        INVALID_JSON = ("invalid_json", Error, "不是有效的 JSON", "not valid JSON");
        INVALID_TYPE = ("invalid_type", Error, "字段类型错误", "a field has the wrong type");
        INVALID_VALUE = ("invalid_value", Error, "字段值无效", "a field's value is not valid");
        MISSING_FIELD = ("missing_field", Error, "缺少必填字段", "a required field is missing");
        UNKNOWN_FIELD = ("unknown_field", Error, "未知字段", "a field the contract does not have");
        DUPLICATE_FIELD = ("duplicate_field", Error, "字段重复", "a field given twice in one object");
        UNKNOWN_VARIANT = ("unknown_variant", Error, "未知选项", "a value not among the allowed choices");
        INPUT_UNREADABLE = ("input_unreadable", Error, "输入无法读取", "the input file or stream cannot be read");
        INPUT_TOO_LARGE = ("input_too_large", Error, "输入过大", "input larger than the bound");
        INPUT_TOO_DEEP = ("input_too_deep", Error, "嵌套过深", "input nested deeper than the bound");
        STRING_TOO_LONG = ("string_too_long", Error, "文本过长", "a text field longer than the bound");
        LIST_TOO_LONG = ("list_too_long", Error, "列表过长", "a list longer than the bound");
        TOO_MANY_GOODS = ("too_many_goods", Error, "商品项过多", "more goods items than the input bound");
        TOO_MANY_MATERIALS = ("too_many_materials", Error, "原材料过多", "more materials than the input bound");
        TOO_MANY_PRODUCTS = ("too_many_products", Error, "产品过多", "more products than the input bound");
        PRODUCT_INVALID = ("product_invalid", Error, "产品预审数据无法用于原产地判定", "a product pre-review no origin rule can be applied to");
        UNKNOWN_AGREEMENT = ("unknown_agreement", Error, "未知证书类型", "the rulebook has no such certificate type");
        UNKNOWN_WORKFLOW = ("unknown_workflow", Error, "未知流程", "the rulebook has no such workflow");
        UNKNOWN_POLICY = ("unknown_policy", Error, "未知工作日规则", "the rulebook has no such working-day policy");
        DATE_OUT_OF_RANGE = ("date_out_of_range", Error, "日期超出范围", "a computed date is outside the supported range");
        UNKNOWN_OPERATION = ("unknown_operation", Error, "未知操作", "no such operation");
        UNKNOWN_SCHEMA = ("unknown_schema", Error, "未知模式", "no such schema");
        RULEBOOK_INVALID = ("rulebook_invalid", Error, "规则库文件有误", "a rulebook file is malformed");
        RULEBOOK_UNREADABLE = ("rulebook_unreadable", Error, "规则库文件无法读取", "a rulebook file cannot be read");
        UNKNOWN_TEMPLATE = ("unknown_template", Error, "没有该证书类型的模板", "no template for the certificate type");
        NO_BACK_PAGE = ("no_back_page", Error, "该证书没有背页", "the form has no back page");
        PAGE_OUT_OF_RANGE = ("page_out_of_range", Error, "页码超出范围", "no such page in the document");
        TOO_MANY_PAGES = ("too_many_pages", Error, "页数超过上限", "the document has more pages than the bound");
        IMAGE_TOO_LARGE = ("image_too_large", Error, "图片过大", "an image larger than the bound");
        IMAGE_INVALID = ("image_invalid", Error, "图片无法读取", "an image that is not a PNG, JPEG, GIF or WebP");
        FONT_TOO_LARGE = ("font_too_large", Error, "字体过大", "a font larger than the bound");
        FONT_INVALID = ("font_invalid", Error, "字体无法解析", "a font that cannot be parsed");
        GOODS_ITEM_TOO_LONG = ("goods_item_too_long", Error, "商品项过长", "a goods item too long to print on one sheet");
        RENDER_FAILED = ("render_failed", Error, "排版失败", "the document could not be laid out");
        OUTPUT_FORMAT = ("output_format", Error, "输出格式未知", "the output file's extension is not .pdf, .svg or .png");
        OUTPUT_UNWRITABLE = ("output_unwritable", Error, "输出文件无法写入", "the output file cannot be written");
        ANNEX_EMPTY = ("annex_empty", Error, "附表没有数据行", "a product-specific-rule annex without data rows");
        ANNEX_COLUMNS = ("annex_columns", Error, "附表的列无法识别", "an annex whose columns cannot be told apart");
        METHOD_NOT_ALLOWED = ("method_not_allowed", Error, "该地址不接受此 HTTP 方法", "the HTTP endpoint does not take this method");
        REQUEST_TIMEOUT = ("request_timeout", Error, "请求超时", "the HTTP request was not complete within the time bound");
        ADDRESS_UNAVAILABLE = ("address_unavailable", Error, "无法在该地址提供服务", "the server cannot listen on the address");
        INTERNAL_ERROR = ("internal_error", Error, "内部错误", "a bug in origo: please report it");
    }
}
