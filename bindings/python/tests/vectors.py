"""The shared test-vector judge, the same semantics as the Rust harness (tests/lib.rs)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[3]
VECTORS = Path(os.environ.get("ORIGO_VECTORS", REPO / "tests" / "vectors"))


def vector_files() -> List[Path]:
    return sorted(VECTORS.rglob("*.json"))


def cases() -> List[Tuple[str, dict[str, Any]]]:
    out = []
    for f in vector_files():
        for case in json.loads(f.read_text(encoding="utf-8"))["cases"]:
            out.append((f"{f.relative_to(VECTORS)}::{case['name']}", case))
    return out


def pointer(value: Any, ptr: str) -> Tuple[bool, Any]:
    """RFC 6901 JSON pointer lookup: (found, value)."""
    if ptr == "":
        return True, value
    for raw in ptr.lstrip("/").split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return False, None
    return True, value


def same(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def judge(expect: dict[str, Any], answer: Optional[Any], error: Optional[dict[str, Any]]) -> Optional[str]:
    """None when the answer meets `expect`, else what differs."""
    want_error = expect.get("error")
    if want_error is not None:
        if error is None:
            return f"expected error {want_error}, got answer {answer}"
        if want_error.get("code") != error["code"]:
            return f"expected error {want_error}, got {error['code']} at `{error['path']}`"
        if "path" in want_error and want_error["path"] != error["path"]:
            return f"expected error path `{want_error['path']}`, got `{error['path']}`"
        return None
    if error is not None:
        return f"unexpected error {error['code']} at `{error['path']}`: {error['message_en']}"
    findings = (answer.get("findings") if isinstance(answer, dict) else None) or []
    summary = ", ".join(f"{f['code']}@{f['path']}" for f in findings)
    for want in expect.get("findings", []):
        if not any(all(k not in want or (k in f and same(f[k], want[k])) for k in ("code", "path", "severity")) for f in findings):
            return f"missing finding {want}; found: [{summary}]"
    for code in expect.get("absent", []):
        if any(f.get("code") == code for f in findings):
            return f"finding {code} must be absent; found: [{summary}]"
    for ptr, want in expect.get("values", {}).items():
        found, got = pointer(answer, ptr)
        if not found or not same(got, want):
            return f"at {ptr}: expected {json.dumps(want)}, got {json.dumps(got) if found else 'nothing'}"
    return None
