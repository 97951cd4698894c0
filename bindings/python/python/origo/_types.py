"""Typed results and the error of origo: thin views over the JSON contract."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, Tuple


class Severity(str, Enum):
    """How serious a finding is; only `error` blocks saving or approving a certificate."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _said(d: Dict[str, Any]) -> Dict[str, Any]:
    """What a finding and a group both say, read from the JSON contract's shape."""
    msg = d.get("message") or {}
    return {
        "code": d["code"],
        "severity": Severity(d["severity"]),
        "source": d.get("source", ""),
        "message_zh": msg.get("zh", ""),
        "message_en": msg.get("en", ""),
    }


@dataclass(frozen=True)
class Finding:
    """One thing a check found: stable code, field path, rule source and a bilingual message."""

    code: str
    severity: Severity
    path: str
    source: str
    message_zh: str
    message_en: str

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> Finding:
        return cls(path=d.get("path", ""), **_said(d))

    def to_dict(self) -> Dict[str, Any]:
        """The finding in the JSON contract's shape."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "source": self.source,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one code and severity said once, with every field path they concern."""

    code: str
    severity: Severity
    count: int
    paths: Tuple[str, ...]
    source: str
    message_zh: str
    message_en: str

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> FindingGroup:
        return cls(count=d["count"], paths=tuple(d.get("paths", ())), **_said(d))

    def to_dict(self) -> Dict[str, Any]:
        """The group in the JSON contract's shape."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "count": self.count,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "source": self.source,
            "paths": list(self.paths),
        }


@dataclass(frozen=True)
class Report:
    """The answer of `check`: findings plus the values the library derived."""

    ok: bool
    agreement: str
    rulebook_version: str
    findings: Tuple[Finding, ...]
    derived: Dict[str, Any] = field(default_factory=dict)
    groups: Tuple[FindingGroup, ...] = ()
    """The findings for people to scan: one per code and severity, errors first."""

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> Report:
        return cls(
            ok=d["ok"],
            agreement=d["agreement"],
            rulebook_version=d["rulebook_version"],
            findings=tuple(Finding.from_dict(f) for f in d["findings"]),
            derived=d.get("derived", {}),
            groups=tuple(FindingGroup.from_dict(g) for g in d.get("groups", ())),
        )

    @property
    def errors(self) -> Tuple[Finding, ...]:
        """The findings with severity `error` (they make `ok` false)."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    def to_dict(self) -> Dict[str, Any]:
        """The report in the JSON contract's shape (accepted back as input)."""
        return {
            "ok": self.ok,
            "agreement": self.agreement,
            "rulebook_version": self.rulebook_version,
            "findings": [f.to_dict() for f in self.findings],
            "groups": [g.to_dict() for g in self.groups],
            "derived": self.derived,
        }


class OrigoError(ValueError):
    """Input origo could not read: a stable `code`, the field `path` and a bilingual message.

    A rule violation is never an `OrigoError`: it is a finding in a successful answer.
    """

    code: str
    path: str
    message_zh: str
    message_en: str

    def __init__(self, code: str, path: str, message_zh: str, message_en: str) -> None:
        at = f" at `{path}`" if path else ""
        super().__init__(f"{code}{at}: {message_en}")
        self.code = code
        self.path = path
        self.message_zh = message_zh
        self.message_en = message_en

    @classmethod
    def _from_json(cls, text: str) -> OrigoError:
        """Built by the native module from the core's error JSON."""
        return cls._from_dict(json.loads(text))

    @classmethod
    def _from_dict(cls, d: Dict[str, Any]) -> OrigoError:
        """From the core's error object (`{code, path, message}`)."""
        msg = d.get("message") or {}
        return cls(d["code"], d.get("path", ""), msg.get("zh", ""), msg.get("en", ""))

    def to_dict(self) -> Dict[str, Any]:
        """The error in the JSON contract's shape."""
        return {
            "code": self.code,
            "path": self.path,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }
