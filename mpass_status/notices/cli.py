"""The staff commands: `flask notices check` validates, `flask notices new` starts a notice.

The site configuration is checked before any command runs (when the app is created), so a mistake in
status.toml is reported in the same `path:line: message` form before these commands start.
"""

import re
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from mpass_status import runtime
from mpass_status.notices.parser import FILENAME
from mpass_status.notices.store import is_notice_candidate, load_folder

notices_cli = AppGroup("notices", help="Check and create notice files.")
TEMPLATE = "_template.md"


def _stray_files(folder: Path) -> list[str]:
    # A notice saved as .markdown or .txt would silently never appear: say so.
    return [
        f"{folder.name}/{p.name}:1: warning: not a notice (a notice file ends in .md)"
        for p in sorted(folder.iterdir())
        if p.is_file() and not is_notice_candidate(p) and p.name != "README.md" and not p.name.startswith(("_", "."))
    ]


@notices_cli.command("check")
def check_command():
    """Validate every notice and the site configuration; exit 1 on any mistake."""
    folder = Path(current_app.config["NOTICES_DIR"])
    if not folder.is_dir():
        click.echo(f"{folder}: the notices folder does not exist", err=True)
        sys.exit(1)
    # A fresh parse, not the running site's cached set: the command checks the files as they are now.
    notices, _ = load_folder(folder, runtime.config(current_app))
    problems = sorted(notices.problems, key=lambda p: (p.path, p.line, p.message))
    lines = [str(p) for p in problems] + _stray_files(folder)
    for line in lines:
        click.echo(line)
    errors = sum(1 for p in problems if not p.warning)
    warnings = len(lines) - errors
    click.echo(f"{len(notices.notices)} notices valid, {errors} errors, {warnings} warnings", err=True)
    sys.exit(1 if errors else 0)


@notices_cli.command("new")
@click.argument("slug")
@click.option(
    "--type", "kind", type=click.Choice(["incident", "maintenance", "change", "announcement"]), default="incident"
)
def new_command(slug, kind):
    """Write notices/<today>-SLUG.md from the template, ready to fill in."""
    folder = Path(current_app.config["NOTICES_DIR"])
    moment = datetime.now(runtime.config(current_app).timezone)
    path = folder / f"{moment:%Y-%m-%d}-{slug}.md"
    if not FILENAME.match(path.name):
        raise click.BadParameter(
            "use lowercase letters, digits and hyphens, e.g. wilma-kirjautumishairio", param_hint="SLUG"
        )
    if path.exists():
        raise click.ClickException(f"{path} exists already")
    template = (folder / TEMPLATE).read_text(encoding="utf-8")
    replacements = {"id": path.stem, "type": kind, "start": f"{moment:%Y-%m-%d %H:%M}"}
    for field, value in replacements.items():
        template = re.sub(rf"^{field}:[^#\n]*", f"{field}: {value}  ", template, count=1, flags=re.M)
    path.write_text(template, encoding="utf-8")
    click.echo(f"{path}: fill in the fields, then run: flask notices check")


def init_app(app) -> None:
    """Registers the notices command group."""
    app.cli.add_command(notices_cli)
