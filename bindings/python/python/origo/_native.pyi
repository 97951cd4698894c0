from os import PathLike
from typing import Optional, Union, final

__all__ = ["OPERATIONS", "Rulebook", "call", "call_many", "render"]

OPERATIONS: list[str]

@final
class Rulebook:
    @staticmethod
    def builtin() -> Rulebook: ...
    @staticmethod
    def from_dir(path: Union[str, PathLike[str]]) -> Rulebook: ...
    @property
    def version(self) -> str: ...

def call(op: str, request: str, rulebook: Optional[Rulebook] = None) -> str: ...
def call_many(
    op: str, requests: list[str], jobs: Optional[int] = None, rulebook: Optional[Rulebook] = None
) -> list[str]: ...
def render(request: str, rulebook: Optional[Rulebook] = None) -> bytes: ...
