#!/usr/bin/env python3
"""Generates the hosts' types from the published JSON Schemas (schema/).

    python3 scripts/gen-types.py           # writes the two files below
    python3 scripts/gen-types.py --check   # fails when they differ from what it would write

Writes `bindings/python/python/origo/contract.py` (TypedDicts) and `bindings/wasm/contract.d.ts`
(TypeScript) from schema/{certificate,product,report}.schema.json and every operation's
schema/operations/<name>.{request,answer}.schema.json. Standard library only; the output depends
only on the schemas (sorted inputs, no clock), so the drift test can compare it byte for byte.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
PY_OUT = ROOT / "bindings/python/python/origo/contract.py"
TS_OUT = ROOT / "bindings/wasm/contract.d.ts"

Json = Any


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


def roots() -> List[Tuple[str, Json]]:
    """Every published schema with the name of its root type, in a fixed order."""
    out = [(camel(n), json.loads((SCHEMA / f"{n}.schema.json").read_text("utf-8"))) for n in ("certificate", "product", "report")]
    for path in sorted((SCHEMA / "operations").glob("*.schema.json")):
        op, part = path.name[: -len(".schema.json")].rsplit(".", 1)
        out.append((camel(op) + camel(part), json.loads(path.read_text("utf-8"))))
    return out


def body(schema: Json) -> Json:
    """A schema without what does not change its shape (titles, `$schema`, `$defs`)."""
    if isinstance(schema, dict):
        return {k: body(v) for k, v in schema.items() if k not in ("$schema", "$defs", "title")}
    if isinstance(schema, list):
        return [body(v) for v in schema]
    return schema


class Types:
    """The named types of every schema, one global name per distinct shape."""

    def __init__(self) -> None:
        self.named: Dict[str, Json] = {}  # global name -> schema body (refs already global)
        self.order: List[str] = []
        self.docs: Dict[str, str] = {}

    def name_for(self, wanted: str, shape: Json, owner: str) -> Tuple[str, bool]:
        """The global name of a shape: `wanted` if free or the same shape, else owner-prefixed."""
        for candidate in (wanted, owner + wanted):
            if candidate not in self.named:
                return candidate, True
            if self.named[candidate] == shape:
                return candidate, False
        raise SystemExit(f"two shapes named {owner + wanted}")

    def add_root(self, root_name: str, schema: Json) -> None:
        defs = schema.get("$defs", {})
        # Local def names -> global names; a def's shape is compared with its refs made global, so
        # resolve in dependency order by iterating until stable.
        local: Dict[str, str] = {}
        pending = sorted(defs)
        while pending:
            progressed = False
            for d in list(pending):
                refs = set(re.findall(r'"#/\$defs/([^"]+)"', json.dumps(defs[d])))
                if any(r not in local and r != d for r in refs):
                    continue
                local[d] = d  # provisional for self reference
                shape = globalise(body(defs[d]), local)
                name, new = self.name_for(d, shape, root_name)
                local[d] = name
                shape = globalise(body(defs[d]), local)
                if new:
                    self.named[name] = shape
                    self.order.append(name)
                pending.remove(d)
                progressed = True
            if not progressed:  # a cycle: name the rest as they are
                for d in pending:
                    local[d] = d
                for d in list(pending):
                    shape = globalise(body(defs[d]), local)
                    name, new = self.name_for(d, shape, root_name)
                    if new:
                        self.named[name] = shape
                        self.order.append(name)
                pending = []
        shape = globalise(body(schema), local)
        # A root keeps its type's name (`title`) where that name is free or names the same shape:
        # `DetermineOriginAnswer = Determination`, every empty request `= Empty`.
        title = schema.get("title")
        if isinstance(title, str) and re.fullmatch(r"[A-Z][A-Za-z0-9]*", title) and title != root_name and self.named.get(title, shape) == shape:
            if title not in self.named:
                self.named[title] = shape
                self.order.append(title)
            self.named[root_name] = {"$ref": f"#/$defs/{title}"}
            self.order.append(root_name)
            return
        for name in self.order:
            if self.named[name] == shape and name != root_name:
                self.named[root_name] = {"$ref": f"#/$defs/{name}"}
                self.order.append(root_name)
                return
        self.named[root_name] = shape
        self.order.append(root_name)


def globalise(schema: Json, local: Dict[str, str]) -> Json:
    if isinstance(schema, dict):
        out = {}
        for k, v in schema.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = "#/$defs/" + local.get(v[len("#/$defs/") :], v[len("#/$defs/") :])
            else:
                out[k] = globalise(v, local)
        return out
    if isinstance(schema, list):
        return [globalise(v, local) for v in schema]
    return schema


def first_line(text: Optional[str]) -> str:
    return (text or "").strip().split("\n")[0].strip()


def variants(schema: Json) -> Optional[List[Json]]:
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return list(schema[key])
    return None


def merged(base: Json, variant: Json) -> Json:
    """An object's own properties with one variant's (flattened enums)."""
    out = dict(variant)
    out["properties"] = {**base.get("properties", {}), **variant.get("properties", {})}
    out["required"] = sorted(set(base.get("required", [])) | set(variant.get("required", [])))
    out.setdefault("type", "object")
    if "description" not in out and "description" in base:
        out["description"] = base["description"]
    return out


def tag_of(variant: Json, index: int) -> str:
    for key, prop in sorted(variant.get("properties", {}).items()):
        if isinstance(prop, dict) and isinstance(prop.get("const"), str):
            return camel(prop["const"])
        if isinstance(prop, dict) and isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
            return camel(str(prop["enum"][0]))
    if isinstance(variant.get("const"), str):
        return camel(variant["const"])
    return str(index + 1)


class Emitter:
    """Translates schema shapes into one language; inline objects become named types."""

    def __init__(self, types: Types) -> None:
        self.types = types
        self.out: List[str] = []
        self.done: set[str] = set()

    def run(self) -> str:
        for name in self.types.order:
            self.define(name, self.types.named[name])
        return "\n".join(self.out)

    def is_object(self, s: Json) -> bool:
        # With properties, or closed without any (`{}` only: an empty typed dict, not a mapping).
        shaped = bool(s.get("properties")) or s.get("additionalProperties") is False
        return isinstance(s, dict) and (s.get("type") == "object" or "properties" in s) and shaped

    def type_of(self, s: Json, hint: str) -> str:
        if s is True or s == {} or not isinstance(s, dict):
            return self.any()
        if "$ref" in s:
            return self.ref(s["$ref"].rsplit("/", 1)[-1])
        if "allOf" in s and len(s["allOf"]) == 1:
            return self.type_of({**{k: v for k, v in s.items() if k != "allOf"}, **s["allOf"][0]}, hint)
        vs = variants(s)
        if vs is not None:
            if self.is_object(s):
                vs = [merged(s, v) for v in vs]
            return self.union([self.type_of(v, hint + tag_of(v, i)) for i, v in enumerate(vs)])
        if "const" in s:
            return self.literal([s["const"]])
        if "enum" in s:
            values = [v for v in s["enum"] if v is not None]
            lit = self.literal(values)
            return self.union([lit, self.null()]) if None in s["enum"] else lit
        t = s.get("type")
        if isinstance(t, list):
            return self.union([self.type_of({**s, "type": one}, hint) for one in t])
        if t == "object" or "properties" in s:
            if self.is_object(s):
                self.define(hint, s)
                return self.ref(hint)
            extra = s.get("additionalProperties")
            return self.mapping(self.type_of(extra, hint + "Value") if isinstance(extra, dict) else self.any())
        if t == "array":
            if "prefixItems" in s:
                return self.tuple([self.type_of(x, hint + str(i + 1)) for i, x in enumerate(s["prefixItems"])])
            return self.array(self.type_of(s.get("items", {}), hint + "Item"))
        return self.scalar(t, s)

    def define(self, name: str, s: Json) -> None:
        if name in self.done:
            return
        self.done.add(name)
        if self.is_object(s) and variants(s) is None:
            props = s.get("properties", {})
            required = set(s.get("required", []))
            fields = [(k, self.type_of(v, name + camel(k)), k in required, first_line(v.get("description") if isinstance(v, dict) else None)) for k, v in props.items()]
            closed = s.get("additionalProperties") is False
            self.object(name, first_line(s.get("description")), fields, closed)
        else:
            self.alias(name, first_line(s.get("description") if isinstance(s, dict) else None), self.type_of(s, name))


class Python(Emitter):
    def any(self) -> str:
        return "Any"

    def null(self) -> str:
        return "None"

    def ref(self, name: str) -> str:
        return name

    def union(self, items: List[str]) -> str:
        unique = list(dict.fromkeys(items))
        literals = [u[len("Literal[") : -1] for u in unique if u.startswith("Literal[")]
        if len(literals) > 1:  # one Literal of every value
            first = next(i for i, u in enumerate(unique) if u.startswith("Literal["))
            rest = [u for u in unique if not u.startswith("Literal[")]
            unique = rest[:first] + [f"Literal[{', '.join(literals)}]"] + rest[first:]
        if len(unique) == 1:
            return unique[0]
        if "None" in unique:
            rest = [u for u in unique if u != "None"]
            return f"Optional[{self.union(rest)}]"
        return f"Union[{', '.join(unique)}]"

    def literal(self, values: List[Any]) -> str:
        return f"Literal[{', '.join(json.dumps(v, ensure_ascii=False) for v in values)}]"

    def mapping(self, value: str) -> str:
        return f"Dict[str, {value}]"

    def array(self, item: str) -> str:
        return f"List[{item}]"

    def tuple(self, items: List[str]) -> str:
        return f"Tuple[{', '.join(items)}]"

    def scalar(self, t: Optional[str], s: Json) -> str:
        if t == "string":
            if s.get("format") == "date":
                return "DateText"
            if re.match(r"^\^-\?\\d\+", s.get("pattern", "")):
                return "DecimalText"
            return "str"
        return {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}.get(t or "", "Any")

    def object(self, name: str, doc: str, fields: List[Tuple[str, str, bool, str]], closed: bool) -> None:
        req = [f for f in fields if f[2]]
        opt = [f for f in fields if not f[2]]
        plain = all(k.isidentifier() and not keyword.iskeyword(k) for k, *_ in fields)
        lines: List[str] = []
        if not plain:
            # A key Python cannot spell as an attribute (`from`): the functional form, whose types
            # are evaluated at once, so they are written as strings.
            parts = []
            for label, group, total in (("Required", req, True), ("Optional", opt, False)):
                if group or (label == "Required" and not opt):
                    entries = ", ".join(f"{json.dumps(k)}: {json.dumps(t)}" for k, t, _, _ in group)
                    parts.append(f"_{name}{label}")
                    lines.append(f"_{name}{label} = TypedDict(\"_{name}{label}\", {{{entries}}}, total={total})")
            lines.append(f"\n\nclass {name}({', '.join(parts)}):")
            lines.append(f"    {json.dumps(doc or name, ensure_ascii=False)}")
            self.out.append("\n\n" + "\n".join(lines))
            return
        if req and opt:
            lines.append(f"class _{name}Required(TypedDict):")
            for k, t, _, d in req:
                lines.extend(field(k, t, d))
            lines.append(f"\n\nclass {name}(_{name}Required, total=False):")
        elif opt:
            lines.append(f"class {name}(TypedDict, total=False):")
        else:
            lines.append(f"class {name}(TypedDict):")
        lines.append(f"    {json.dumps(doc or name, ensure_ascii=False)}")
        for k, t, _, d in opt if req and opt else fields:
            lines.extend(field(k, t, d))
        self.out.append("\n\n" + "\n".join(lines))

    def alias(self, name: str, doc: str, t: str) -> None:
        comment = f"#: {doc}\n" if doc else ""
        self.out.append(f"\n{comment}{name} = {t}")


def field(k: str, t: str, doc: str) -> List[str]:
    return ([f"    #: {doc}"] if doc else []) + [f"    {k}: {t}"]


PY_HEAD = '''"""The JSON contract as typed dictionaries: certificates, products, reports and every operation's
request and answer.

Generated by scripts/gen-types.py from schema/ (do not edit; a test fails when it drifts).
Decimals may be given as `decimal.Decimal` and dates as `datetime.date`; answers carry them as the
contract's strings.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Dict, List, Literal, Optional, Tuple, TypedDict, Union

#: A date: `datetime.date`, or its ISO text (`"2026-05-06"`) as answers carry it.
DateText = Union[str, datetime.date]
#: An exact decimal: `decimal.Decimal`, or its text (`"1234.50"`) as answers carry it.
DecimalText = Union[str, decimal.Decimal]
'''


class TypeScript(Emitter):
    def any(self) -> str:
        return "unknown"

    def null(self) -> str:
        return "null"

    def ref(self, name: str) -> str:
        return name

    def union(self, items: List[str]) -> str:
        unique = list(dict.fromkeys(items))
        return unique[0] if len(unique) == 1 else " | ".join(unique)

    def literal(self, values: List[Any]) -> str:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in values)

    def mapping(self, value: str) -> str:
        return f"{{ [key: string]: {value} }}"

    def array(self, item: str) -> str:
        return f"({item})[]" if " " in item else f"{item}[]"

    def tuple(self, items: List[str]) -> str:
        return f"[{', '.join(items)}]"

    def scalar(self, t: Optional[str], s: Json) -> str:
        return {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "null": "null"}.get(t or "", "unknown")

    def object(self, name: str, doc: str, fields: List[Tuple[str, str, bool, str]], closed: bool) -> None:
        lines = ([f"/** {doc} */"] if doc else []) + [f"export interface {name} {{"]
        for k, t, req, d in fields:
            key = k if re.match(r"^[A-Za-z_$][\w$]*$", k) else json.dumps(k)
            if d:
                lines.append(f"  /** {d} */")
            lines.append(f"  {key}{'' if req else '?'}: {t};")
        lines.append("}")
        self.out.append("\n" + "\n".join(lines))

    def alias(self, name: str, doc: str, t: str) -> None:
        comment = f"/** {doc} */\n" if doc else ""
        self.out.append(f"\n{comment}export type {name} = {t};")


TS_HEAD = """// The JSON contract as TypeScript types: certificates, products, reports and every operation's
// request and answer. Generated by scripts/gen-types.py from schema/ (do not edit; a test fails
// when it drifts). Decimals and dates are the contract's strings.
"""


def generate() -> Dict[Path, str]:
    types = Types()
    for name, schema in roots():
        types.add_root(name, schema)
    py = PY_HEAD + Python(types).run().replace("#/$defs/", "") + "\n"
    ts = TS_HEAD + TypeScript(types).run() + "\n"
    return {PY_OUT: py, TS_OUT: ts}


def main(argv: List[str]) -> int:
    outputs = generate()
    if "--check" in argv:
        stale = [str(p.relative_to(ROOT)) for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
        if stale:
            print(f"generated types drifted: {', '.join(stale)}; run `python3 scripts/gen-types.py`", file=sys.stderr)
            return 1
        return 0
    for path, text in outputs.items():
        path.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
