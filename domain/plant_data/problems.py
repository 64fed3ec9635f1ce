"""What is wrong with the plant data: each problem names its file, row, column, value and what was expected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.errors import InvalidInput

MAX_PER_FILE = 50  # a file with thousands of bad rows says the first 50 and how many more


@dataclass(frozen=True)
class Problem:
    where: str  # "products.csv" or the sheet "products"
    row: int  # 1 is the header row, data starts at 2, as a spreadsheet numbers them
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}:{self.row}:{self.column}: {self.message}"


class Problems:
    """Collects problems, keeping at most MAX_PER_FILE per file while counting them all."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()
        # A file missing or unreadable as a whole: checking the rows of the others would only add noise
        # (every reference to a file not read is "unknown").
        self.fatal = False

    def add(self, where: str, row: int, column: str, message: str, *, fatal: bool = False) -> None:
        self.fatal = self.fatal or fatal
        self.counts[where] += 1
        if self.counts[where] <= MAX_PER_FILE:
            self.kept.append(Problem(where, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.counts)

    def lines(self) -> list[str]:
        out = [str(p) for p in self.kept]
        for where, count in self.counts.items():
            if count > MAX_PER_FILE:
                out.append(f"{where}: ... and {count - MAX_PER_FILE} more problems")
        return out


class PlantDataRefused(InvalidInput):
    """The files were refused: nothing was written. `lines` holds one line per problem."""

    def __init__(self, problems: Problems) -> None:
        self.lines = problems.lines()
        total = sum(problems.counts.values())
        super().__init__(f"{total} problems; nothing was written:\n" + "\n".join(self.lines))
