"""The CI workflows shipped for GitHub and GitLab run the check in the format each forge shows on a file's line."""

import ast
import importlib.metadata
import json
import re
import shlex
import subprocess
import sys
import tomllib

import yaml

from ..helpers import ROOT, VALID, notices_folder, write


def broken_site(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, VALID)
    write(folder, VALID.replace("severity: down\n", ""), name="2024-02-02-rikki.md")
    (folder / "2024-02-03-luonnos.txt").write_text("luonnos")
    return app


def test_github_annotations_name_file_and_line_in_finnish_unless_asked(make_site):
    runner = broken_site(make_site).test_cli_runner()
    result = runner.invoke(args=["notices", "check", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=notices/2024-02-02-rikki.md,line=2,title=flask notices check::severity puuttuu; kirjoita jokin"
        " näistä: down, disrupted, notice, esim. severity: down (ohje: notices/README.md#check-fields)",
        "::warning file=notices/2024-02-03-luonnos.txt,line=1,title=flask notices check::ei tiedote: tiedotteen"
        " tiedostonimi päättyy .md, esim. 2024-03-05-huoltokatko.md (ohje: notices/README.md#check-file)",
    ]
    swedish = runner.invoke(args=["notices", "check", "--format", "github", "--lang", "sv"]).stdout.splitlines()
    assert swedish[0].endswith(
        "::severity saknas; skriv en av dessa: down, disrupted, notice, t.ex. severity: down"
        " (se notices/README.md#check-fields)"
    )


def test_github_commands_escape_what_would_end_them(make_site):
    # A comma or colon would end the file property, a line break the command; % starts GitHub's own escapes.
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, VALID, name="2024-02-02-a,b:c.md")
    write(folder, VALID.replace("severity: down", 'severity: "100%\\nrikki"'), name="2024-02-03-sata.md")
    result = app.test_cli_runner().invoke(args=["notices", "check", "--format", "github", "--lang", "en"])
    assert result.exit_code == 1
    name, severity = result.stdout.splitlines()
    assert name.startswith("::error file=notices/2024-02-02-a%2Cb%3Ac.md,line=1,title=flask notices check::the file")
    assert severity.startswith("::error file=notices/2024-02-03-sata.md,line=3,title=flask notices check::")
    assert "::severity 100%25%0Arikki is unknown;" in severity


def test_gitlab_code_quality_report_in_the_language_asked_for(make_site):
    runner = broken_site(make_site).test_cli_runner()
    result = runner.invoke(args=["notices", "check", "--format", "gitlab", "--lang", "sv"])
    assert result.exit_code == 1
    error, warning = json.loads(result.stdout)
    assert error["location"] == {"path": "notices/2024-02-02-rikki.md", "lines": {"begin": 2}}
    assert error["severity"] == "major" and error["description"].startswith("severity saknas; skriv en av dessa")
    english = json.loads(runner.invoke(args=["notices", "check", "--format", "gitlab", "--lang", "en"]).stdout)
    assert english[0]["description"].startswith("severity is missing; write one of")
    assert warning["severity"] == "minor" and warning["location"]["path"] == "notices/2024-02-03-luonnos.txt"
    assert len({error["fingerprint"], warning["fingerprint"]}) == 2 and error["check_name"] == "notices-check"


def test_the_shipped_workflows_run_these_commands_and_pass_on_the_shipped_notices():
    github = yaml.safe_load((ROOT / ".github/workflows/notices.yml").read_text())
    steps = [step.get("run") for step in github["jobs"]["check"]["steps"] if step.get("run")]
    assert steps[-1] == "flask --app app notices check --format github"
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())["notices"]
    assert gitlab["script"][-1] == "flask --app app notices check --format gitlab > gl-code-quality-report.json"
    assert gitlab["artifacts"] == {"when": "always", "reports": {"codequality": "gl-code-quality-report.json"}}
    # The same commands, as the forges run them from the repository's root.
    flask = [sys.executable, "-m", "flask", *shlex.split(steps[-1])[1:]]
    done = subprocess.run(flask, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "notices", "check", "--format", "gitlab"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and json.loads(done.stdout) == []


def name_of(requirement: str) -> str:
    """Returns a requirement's project name, normalized as PEP 503 does ("Flask-Babel" and "flask_babel" alike)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def pinned(lock: str) -> dict[str, str]:
    """Returns {normalized name: version} of a lock file's pins, failing on a pin without a hash."""
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, _, hashes = line.partition(" --hash=sha256:")
            name, _, version = requirement.strip().partition("==")
            assert version and hashes, line
            pins[name_of(name)] = version
    return pins


def test_the_workflows_install_the_runtime_lock_which_holds_the_site_and_no_tool():
    github = yaml.safe_load((ROOT / ".github/workflows/notices.yml").read_text())
    steps = [step["run"] for step in github["jobs"]["check"]["steps"] if "pip" in step.get("run", "")]
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())["notices"]["script"]
    assert steps == [line for line in gitlab if "pip" in line] == ["pip install --require-hashes -r requirements.txt"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")
    declared = {name_of(r) for r in project["dependencies"]}
    tools = {name_of(r) for group in ("test", "browser") for r in project["optional-dependencies"][group]}
    # Declared in pyproject.toml and locked by `make lock`: the site in both locks, pinned alike; the tools in the
    # dev lock alone.
    assert declared <= set(runtime) and tools <= set(dev) and not tools & set(runtime)
    assert {name: dev[name] for name in runtime} == runtime
    assert {"werkzeug", "jinja2", "click"} <= set(runtime)


def test_everything_the_site_imports_is_in_the_runtime_lock():
    # The workflows, `make setup` and deployments install requirements.txt alone: a module the site imports from
    # a test tool would work in the tests and fail there.
    modules = set()
    for path in [ROOT / "app.py", ROOT / "gunicorn.conf.py", *(ROOT / "mpass_status").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.partition(".")[0])
    modules -= set(sys.stdlib_module_names) | {"mpass_status", "app"}
    distributions = importlib.metadata.packages_distributions()
    runtime = pinned("requirements.txt")
    assert modules and all(module in distributions for module in modules), modules
    assert {m: d for m in modules for d in distributions[m] if name_of(d) not in runtime} == {}
