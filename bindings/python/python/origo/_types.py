"""Typed results and the error of origo: thin views over the JSON contract."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, dataclass
from enum import Enum
from typing import Any, Dict, Tuple, Union

from . import _native


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


class Report:
    """The answer of `check`: findings plus the values the library derived.

    Immutable. `derived` is built on first read: the native check hands it over as Rust data, so
    a host that reads only `ok` and the findings never pays for its few hundred Python objects.
    """

    __slots__ = ("ok", "agreement", "rulebook_version", "findings", "groups", "_derived", "__weakref__")
    __match_args__ = ("ok", "agreement", "rulebook_version", "findings", "derived", "groups")

    ok: bool
    agreement: str
    rulebook_version: str
    findings: Tuple[Finding, ...]
    groups: Tuple[FindingGroup, ...]
    """The findings for people to scan: one per code and severity, errors first."""
    _derived: Union[Dict[str, Any], _native.Derived]

    def __init__(
        self,
        ok: bool,
        agreement: str,
        rulebook_version: str,
        findings: Tuple[Finding, ...],
        derived: Union[Dict[str, Any], _native.Derived, None] = None,
        groups: Tuple[FindingGroup, ...] = (),
    ) -> None:
        for name, value in (
            ("ok", ok),
            ("agreement", agreement),
            ("rulebook_version", rulebook_version),
            ("findings", findings),
            ("groups", groups),
            ("_derived", {} if derived is None else derived),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def derived(self) -> Dict[str, Any]:
        """Values the library derived, in the JSON contract's shape."""
        derived = self._derived
        if isinstance(derived, dict):
            return derived
        built = derived.to_python()
        object.__setattr__(self, "_derived", built)
        return built

    def _fields(self) -> Tuple[Any, ...]:
        return (self.ok, self.agreement, self.rulebook_version, self.findings, self.derived, self.groups)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        mine, theirs = self._derived, other._derived
        if isinstance(mine, _native.Derived) and isinstance(theirs, _native.Derived):
            # Both still Rust data: compared there, neither dict built.
            same_derived = mine == theirs
        else:
            same_derived = self.derived == other.derived
        return same_derived and self._fields_but_derived() == other._fields_but_derived()

    def _fields_but_derived(self) -> Tuple[Any, ...]:
        return (self.ok, self.agreement, self.rulebook_version, self.findings, self.groups)

    __hash__ = None  # type: ignore[assignment]  # mutable `derived`, as the dataclass it was

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        """Pickled and copied with the derived values built: the native handle stays in its process."""
        return (type(self), self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(self.__match_args__, self._fields()))
        return f"{type(self).__name__}({fields})"

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> Report:
        return cls(
            ok=d["ok"],
            agreement=d["agreement"],
            rulebook_version=d["rulebook_version"],
            findings=tuple(Finding.from_dict(f) for f in d["findings"]),
            derived=d.get("derived"),
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
