//! Item limits per certificate type (FAQ Q35, Q128): "出口商品超过限定次数".

use super::{Context, Outcome};
use crate::finding::Finding;

crate::finding::codes! {
    CODES;
    ITEM_LIMIT_EXCEEDED = ("item_limit_exceeded", Error, "出口商品超过限定次数", "more goods items than the certificate type allows");
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let count = cx.cert.goods.len();
    let limit = cx.agreement.item_limit.value;
    out.derived.item_count = count;
    out.derived.item_limit = limit;
    let Some(max) = limit else { return };
    if count > max as usize {
        let name = &cx.agreement.name.value;
        out.push(Finding::new(
            &ITEM_LIMIT_EXCEEDED,
            "goods",
            &cx.agreement.item_limit.source,
            format!("{}最多 {max} 项商品，本证书有 {count} 项：出口商品超过限定次数", name.zh),
            format!("{} allows at most {max} goods items; this certificate has {count}", name.en),
        ));
    }
}
