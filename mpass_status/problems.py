"""A mistake in a file the site reads (a notice, the configuration), told as `path:line: message`."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One mistake (or warning) in a file, at a line."""

    path: str
    line: int
    message: str
    warning: bool = False
    # Where the editor's guide tells how to fix it (a notice's problems), shown after the message.
    guide: str | None = None

    @property
    def explained(self) -> str:
        """Returns the message with where the guide explains it."""
        return f"{self.message} (see {self.guide})" if self.guide else self.message

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.explained}"


def shown_path(path: Path) -> str:
    """Names a file as an editor would type it: relative to the working directory when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
