"""Finds the line of each table and key of a TOML file, which tomllib does not report, and files problems there."""

import re
from pathlib import Path

from mpass_status.problems import Problem, shown_path

_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


class TomlLines:
    """The lines where tables (`[probe]`, the n-th `[[checks]]`) and their keys are written."""

    def __init__(self, text: str):
        # (name, index among tables of that name) -> (header line, {key: line})
        self._tables: dict[tuple[str, int], tuple[int, dict[str, int]]] = {("", 0): (1, {})}
        counts: dict[str, int] = {}
        current = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            header = _ARRAY_TABLE.match(line) or _TABLE.match(line)
            if header:
                name = header.group(1)
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (name, index)
                self._tables[current] = (number, {})
                continue
            key = _KEY.match(line)
            if key:
                written = next(part for part in key.groups() if part is not None)
                # The first assignment counts: a repeated key is a TOML error tomllib reports itself.
                self._tables[current][1].setdefault(written, number)

    def table(self, name: str, index: int = 0) -> int:
        """Returns the line of a table's header (1 when the table is not written)."""
        return self._tables.get((name, index), (1, {}))[0]

    def key(self, name: str, index: int, key: str) -> int:
        """Returns the line of a key in a table, else the table's header line."""
        header, keys = self._tables.get((name, index), (1, {}))
        return keys.get(key, header)


class Reporter:
    """Collects the problems of one configuration file, each at the line of the table or key it names."""

    def __init__(self, path: Path, text: str):
        self.shown = shown_path(path)
        self.lines = TomlLines(text)
        self.problems: list[Problem] = []

    def error(self, message: str, table: str = "", index: int = 0, key: str | None = None) -> None:
        """Records a mistake at key's line in the table (its header's line without a key)."""
        line = self.lines.key(table, index, key) if key else self.lines.table(table, index)
        self.problems.append(Problem(self.shown, line, message))

    def unknown_keys(self, entry: dict, known, table: str, index: int = 0, where: str = "") -> None:
        """Reports every key of entry that the site does not read: a typo would otherwise be ignored."""
        for key in entry:
            if key not in known:
                self.error(f"{where}unknown setting {key!r}", table, index, key)
