"""Problems found in a module package, each with its file and line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Problems:
    """A collector: validation goes on after a problem, so one run reports every problem."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, message: str) -> None:
        self.items.append(Problem(file, line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(sorted(self.items))

    def __len__(self) -> int:
        return len(self.items)


class InvalidPackage(ValueError):
    """Raised when a package has problems; nothing of it has been installed."""

    def __init__(self, problems: Problems | list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
