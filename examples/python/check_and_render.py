"""Checks a certificate, prints its findings in Chinese and renders it when the build can.

    python check_and_render.py [certificate.json] [--today YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

import origo

SAMPLE = Path(__file__).resolve().parents[1] / "certificates" / "non_preferential.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("certificate", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    args = parser.parse_args()

    certificate = json.loads(args.certificate.read_text(encoding="utf-8"))
    try:
        report = origo.check(certificate, today=args.today)
    except origo.OrigoError as e:
        print(f"无法读取证书（{e.code}，位置 `{e.path}`）：{e.message_zh}", file=sys.stderr)
        return 2

    print(f"证书类型 {report.agreement}，规则库 {report.rulebook_version}：{'通过' if report.ok else '不通过'}")
    for f in report.findings:
        print(f"  [{f.severity.value}] {f.code} @ {f.path or '（整体）'}：{f.message_zh}（依据：{f.source}）")

    pdf = args.certificate.with_suffix(".pdf").name
    Path(pdf).write_bytes(origo.render(certificate, format="pdf"))
    print(f"已生成 {pdf}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
