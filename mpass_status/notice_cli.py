"""The staff commands: `flask notices check` validates, `flask notices new` starts a notice."""

import re
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .checks_config import validate_checks
from .notice_model import Problem
from .notice_parser import FILENAME
from .notice_store import is_notice_candidate, load_folder

notices_cli = AppGroup("notices", help="Check and create notice files.")
TEMPLATE = "_template.md"


def config_problems(config) -> list[Problem]:
    """Returns the problems of the checks configuration, each at the line of the check it names."""
    lines = config.path.read_text(encoding="utf-8").splitlines()
    problems = []
    for message in validate_checks(config):
        text = message.removeprefix(f"{config.path}: ")
        named = re.match(r"check (\S+):", text)
        line = 1
        if named:
            pattern = re.compile(rf"""\s*id\s*=\s*["']{re.escape(named.group(1))}["']""")
            line = next((n for n, row in enumerate(lines, start=1) if pattern.match(row)), 1)
        problems.append(Problem(config.path.name, line, text))
    return problems


def collect_problems(app) -> tuple[list[Problem], int]:
    """Returns every problem of the notices folder and the configuration, in file and line order."""
    config = app.extensions["status_config"]
    snapshot, _ = load_folder(Path(app.config["NOTICES_DIR"]), config)
    problems = list(snapshot.problems) + config_problems(config)
    return sorted(problems, key=lambda p: (p.path, p.line, p.message)), len(snapshot.notices)


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
    problems, count = collect_problems(current_app)
    lines = [str(p) for p in problems] + _stray_files(folder)
    for line in lines:
        click.echo(line)
    errors = sum(1 for p in problems if not p.warning)
    warnings = len(lines) - errors
    click.echo(f"{count} notices valid, {errors} errors, {warnings} warnings", err=True)
    sys.exit(1 if errors else 0)


@notices_cli.command("new")
@click.argument("slug")
@click.option(
    "--type", "kind", type=click.Choice(["incident", "maintenance", "change", "announcement"]), default="incident"
)
def new_command(slug, kind):
    """Write notices/<today>-SLUG.md from the template, ready to fill in."""
    folder = Path(current_app.config["NOTICES_DIR"])
    config = current_app.extensions["status_config"]
    moment = datetime.now(config.timezone)
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
