"""The typed contract (`origo.contract`) is generated from the published schemas and covers every
operation: a drift or a missing operation fails here."""

from __future__ import annotations

import subprocess
import sys
import typing

import origo
from origo import contract
from vectors import REPO


def test_generated_types_equal_the_schemas() -> None:
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "gen-types.py"), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def camel(op: str) -> str:
    return "".join(part.capitalize() for part in op.split("_"))


def test_every_operation_has_a_typed_request_and_answer() -> None:
    for op in origo.OPERATIONS:
        assert hasattr(contract, camel(op) + "Request"), op
        assert hasattr(contract, camel(op) + "Answer"), op


def test_functions_take_and_return_the_contract_types() -> None:
    hints = typing.get_type_hints(origo.determine_origin)
    assert hints["product"] is contract.Product
    assert hints["return"] is contract.DetermineOriginAnswer
    assert typing.get_type_hints(origo.apply_action)["request"] is contract.ApplyActionRequest


def test_answers_have_the_declared_keys() -> None:
    answer = origo.rules()
    declared = set(contract.RulesAnswer.__required_keys__) | set(contract.RulesAnswer.__optional_keys__)
    assert set(answer) <= declared and contract.RulesAnswer.__required_keys__ <= set(answer)
    assert answer["changelog"] and answer["changelog"][0]["version"] == answer["version"]
