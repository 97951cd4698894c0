from os import PathLike
from typing import Any, Callable, Iterable, Optional, Union, final

__all__ = ["OPERATIONS", "Answers", "Derived", "Rulebook", "call", "call_many", "render", "run", "run_many"]

OPERATIONS: list[str]

@final
class Rulebook:
    @staticmethod
    def builtin() -> Rulebook: ...
    @staticmethod
    def from_dir(path: Union[str, PathLike[str]]) -> Rulebook: ...
    @property
    def version(self) -> str: ...

@final
class Answers:
    def __iter__(self) -> Answers: ...
    def __next__(self) -> Any: ...

@final
class Derived:
    def to_python(self) -> dict[str, Any]: ...

def call(op: str, request: str, rulebook: Optional[Rulebook] = None) -> str: ...
def call_many(
    op: str, requests: list[str], jobs: Optional[int] = None, rulebook: Optional[Rulebook] = None
) -> list[str]: ...
def render(request: str, rulebook: Optional[Rulebook] = None) -> bytes: ...
def run(op: str, request: Any, encode: Callable[[Any], str], rulebook: Optional[Rulebook] = None) -> Any: ...
def run_many(
    op: str,
    requests: Iterable[Any],
    encode: Callable[[Any], str],
    jobs: Optional[int] = None,
    rulebook: Optional[Rulebook] = None,
) -> Answers: ...
