"""The staff commands: `flask notices check` validates, `flask notices new` starts a notice, and
`flask notices sync` publishes the notices of the configured git branch.

The site configuration is checked before any command runs (when the app is created), so a mistake in
status.toml is reported in the same `path:line: message` form before these commands start. The commands
are given what they work on (the folder, the configuration, a way to build the sync) by create_app; they
never reach into the app.
"""

import hashlib
import json
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from mpass_status.config import SiteConfig
from mpass_status.notices.messages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    WORDS,
    NoticeProblem,
    explained,
    line_of,
    suggest,
    translate,
)
from mpass_status.notices.parser import FILENAME
from mpass_status.notices.store import NoticeSet, is_notice_candidate, load_folder
from mpass_status.notices.sync import Sync, SyncError
from mpass_status.problems import Problem

TEMPLATE = "_template.md"


def _stray_files(folder: Path) -> list[Problem]:
    # A notice saved as .markdown or .txt would silently never appear: say so.
    return [
        NoticeProblem.of(f"{folder.name}/{p.name}", 1, "not_a_notice", warning=True)
        for p in sorted(folder.iterdir())
        if p.is_file() and not is_notice_candidate(p) and p.name != "README.md" and not p.name.startswith(("_", "."))
    ]


def _see_also_line(path: Path, slug: str) -> int:
    """Returns the line of the front matter where see_also names slug (its own line in a block list), else the
    line of see_also itself, else 1."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    field = next((n for n, line in enumerate(lines) if line.startswith("see_also:")), None)
    if field is None:
        return 1
    for number in range(field, len(lines)):
        if number > field and lines[number][:1] not in (" ", "\t", "-"):
            break  # the next field: see_also ended
        if re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", lines[number]):
            return number + 1
    return field + 1


def _unknown_references(notices: NoticeSet, folder: Path) -> list[Problem]:
    # A link between notices is checked against the whole folder, which no single file's parse sees; the file
    # is read again for the line, which the parsed notice does not keep.
    problems = []
    for notice in notices.notices:
        for slug in notice.see_also:
            if slug not in notices.by_slug:
                meant = suggest(slug, sorted(set(notices.by_slug) - {notice.slug}))
                line = _see_also_line(folder / Path(notice.path).name, slug)
                problems.append(NoticeProblem.of(notice.path, line, "see_also_unknown", slug=slug, suggestion=meant))
    return problems


def _github(problem: Problem, lang: str) -> str:
    # A workflow command: GitHub shows it on the file and line of the proposed change.
    def escape(text, properties=False):
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if properties else text

    level = "warning" if problem.warning else "error"
    where = f"file={escape(problem.path, True)},line={problem.line},title={escape('flask notices check', True)}"
    return f"::{level} {where}::{escape(explained(problem, lang))}"


def _gitlab(problems: list[Problem], lang: str) -> str:
    # GitLab's code-quality report: a merge request shows each entry on its file and line.
    entries = []
    for problem in problems:
        fingerprint = hashlib.sha256(f"{problem.path}:{problem.line}:{problem.message}".encode()).hexdigest()
        entries.append(
            {
                "description": explained(problem, lang),
                "check_name": "notices-check",
                "fingerprint": fingerprint,
                "severity": "minor" if problem.warning else "major",
                "location": {"path": problem.path, "lines": {"begin": problem.line}},
            }
        )
    return json.dumps(entries, ensure_ascii=False, indent=1)


def command_group(folder: Path, config: SiteConfig, make_sync: Callable[[], Sync]) -> AppGroup:
    """Returns the `flask notices` commands working on folder with config; make_sync() builds the git sync (it
    raises SyncError when no remote is configured)."""
    folder = Path(folder)
    group = AppGroup("notices", help="Check, create and publish notice files.")

    @group.command("check")
    @click.option(
        "--format",
        "output",
        type=click.Choice(["text", "github", "gitlab"]),
        default="text",
        help="text: path:line: message; github: workflow annotations; gitlab: a code-quality report (JSON).",
    )
    @click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        show_default=True,
        help="The language of the messages: fi (suomi), sv (svenska) or en (English).",
    )
    def check_command(output, lang):
        """Validate every notice and the site configuration; exit 1 on any mistake."""
        if not folder.is_dir():
            click.echo(translate(WORDS["no_folder"], lang, folder=folder), err=True)
            sys.exit(1)
        # A fresh parse, not the running site's cached set: the command checks the files as they are now.
        notices, _ = load_folder(folder, config)
        found = list(notices.problems) + _unknown_references(notices, folder)
        problems = sorted(found, key=lambda p: (p.path, p.line, p.message)) + _stray_files(folder)
        if output == "gitlab":
            click.echo(_gitlab(problems, lang))
        for problem in problems if output != "gitlab" else ():
            click.echo(_github(problem, lang) if output == "github" else line_of(problem, lang))
        errors = sum(1 for p in problems if not p.warning)
        warnings = len(problems) - errors
        valid = len(notices.notices)
        click.echo(translate(WORDS["summary"], lang, valid=valid, errors=errors, warnings=warnings), err=True)
        sys.exit(1 if errors else 0)

    @group.command("new")
    @click.argument("slug")
    @click.option(
        "--type", "kind", type=click.Choice(["incident", "maintenance", "change", "announcement"]), default="incident"
    )
    def new_command(slug, kind):
        """Write notices/<today>-SLUG.md from the template, ready to fill in."""
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
        # The command staff run from the repository's root, as the guide says (make check runs the same).
        click.echo(f"{path}: fill in the fields, then run: make check (or .venv/bin/flask notices check)")

    @group.command("sync")
    @click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        show_default=True,
        help="The language of the report and the problems held back: fi (suomi), sv (svenska) or en (English).",
    )
    def sync_command(lang):
        """Fetch the notices branch and publish it; a broken notice keeps its last good version."""
        try:
            result = make_sync().run()
        except SyncError as exc:
            raise click.ClickException(translate(WORDS["sync_failed"], lang, error=exc)) from None
        for name in result.written:
            click.echo(translate(WORDS["sync_published"], lang, name=name))
        for name in result.removed:
            click.echo(translate(WORDS["sync_removed"], lang, name=name))
        for held in result.held:
            if held.serving:
                said = translate(WORDS["sync_held_serving"], lang, name=held.name, commit=held.serving[:12])
            else:
                said = translate(WORDS["sync_held_unpublished"], lang, name=held.name)
            click.echo(said, err=True)
            # The problems as found, in the staff's language; the English text when only that was kept.
            for problem in [line_of(p, lang) for p in held.found] or held.problems:
                click.echo(f"  {problem}", err=True)
        click.echo(translate(WORDS["sync_live"], lang, commit=result.commit[:12]), err=True)

    return group


def init_app(app, folder: Path, config: SiteConfig, make_sync: Callable[[], Sync]) -> None:
    """Registers the notices command group, working on folder with config."""
    app.cli.add_command(command_group(folder, config, make_sync))
