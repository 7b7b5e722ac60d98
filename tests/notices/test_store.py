"""The store reloads when files change, and a large archive loads the same in parallel."""

import os
import subprocess
import sys

from bench.synthetic_notices import write_archive
from mpass_status.config import load_config
from mpass_status.notices import parse_cache
from mpass_status.notices.store import NoticeStore, load_folder

from ..helpers import CONFIG, ROOT, VALID, write


def test_edit_add_and_remove_are_seen(notices_dir):
    path = write(notices_dir, VALID)
    store = NoticeStore(notices_dir, CONFIG, check_seconds=0)
    first = store.current()
    assert [n.title["fi"] for n in first.notices] == ["Häiriö"]
    path.write_text(VALID.replace("fi: Häiriö", "fi: Korjattu otsikko"), encoding="utf-8")
    later = int(first.loaded_at * 1e9) + 5 * 10**9
    os.utime(path, ns=(later, later))
    second = store.current()
    assert [n.title["fi"] for n in second.notices] == ["Korjattu otsikko"]
    assert second.version != first.version
    write(notices_dir, VALID, name="2024-02-02-toinen.md")
    assert len(store.current().notices) == 2
    path.unlink()
    assert [n.slug for n in store.current().notices] == ["2024-02-02-toinen"]


def test_unchanged_files_are_not_parsed_again(notices_dir):
    write(notices_dir, VALID)
    first, table = load_folder(notices_dir, CONFIG)
    again, _ = load_folder(notices_dir, CONFIG, table)
    assert again.notices[0] is first.notices[0]


def test_parallel_load_equals_serial_load(tmp_path):
    folder = tmp_path / "notices"
    write_archive(folder, 120)
    parallel, _ = load_folder(folder, CONFIG, parallel_from=100)
    parse_cache.cache_path(folder).unlink()  # both loads parse, neither reads the other's parses
    serial, _ = load_folder(folder, CONFIG, parallel_from=10**9)
    assert len(parallel.notices) == 120
    assert parallel.notices == serial.notices and parallel.version == serial.version


def test_a_main_module_that_workers_cannot_start_from_falls_back_to_serial(tmp_path):
    """Workers re-run a script's __main__; from a pipe there is none, and loading must still succeed."""
    folder = tmp_path / "notices"
    write_archive(folder, 30)
    script = (
        "from mpass_status.config import load_config\n"
        "from mpass_status.notices.store import load_folder\n"
        f"loaded, _ = load_folder(__import__('pathlib').Path({str(folder)!r}), load_config('status.toml'),"
        " parallel_from=10)\n"
        "print(len(loaded.notices))\n"
    )
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.strip() == "30", done.stderr[-2000:]
    assert "loading the notices in this process" in done.stderr


def test_a_cold_start_takes_parses_kept_by_content_and_parses_what_changed(notices_dir, tmp_path):
    path = write(notices_dir, VALID)
    other = write(notices_dir, VALID.replace("fi: Häiriö", "fi: Toinen"), name="2024-02-02-toinen.md")
    first, _ = load_folder(notices_dir, CONFIG)
    where, version = parse_cache.cache_path(notices_dir), parse_cache.parser_version(CONFIG)
    kept = parse_cache.load(where, version)
    assert where.parent == notices_dir.parent and len(kept) == 2
    # A kept parse is used as it is when the file's bytes are the same: mark one to see it come back.
    key = parse_cache.content_key(f"{notices_dir.name}/{other.name}", other.read_bytes())
    notice, problems = kept[key]
    kept[key] = (notice.__class__(**{**notice.__dict__, "title": {"fi": "Muistista"}}), problems)
    parse_cache.save(where, version, kept)
    second, _ = load_folder(notices_dir, CONFIG)
    assert {n.title["fi"] for n in second.notices} == {"Häiriö", "Muistista"}
    # A file whose bytes changed is parsed again, and the kept parses follow the folder.
    path.write_text(VALID.replace("fi: Häiriö", "fi: Korjattu"), encoding="utf-8")
    third, _ = load_folder(notices_dir, CONFIG)
    assert {n.title["fi"] for n in third.notices} == {"Korjattu", "Muistista"}
    assert len(parse_cache.load(where, version)) == 2
    # Another configuration (or parser code) is another version: nothing kept is used.
    changed = load_config(other_config(tmp_path))
    assert parse_cache.load(where, parse_cache.parser_version(changed)) == {}
    fresh, _ = load_folder(notices_dir, changed)
    assert {n.title["fi"] for n in fresh.notices} == {"Korjattu", "Toinen"}


def test_a_damaged_or_unwritable_cache_costs_only_a_parse(notices_dir):
    write(notices_dir, VALID)
    where = parse_cache.cache_path(notices_dir)
    where.write_bytes(b"not a pickle at all")
    loaded, _ = load_folder(notices_dir, CONFIG)
    assert [n.title["fi"] for n in loaded.notices] == ["Häiriö"]
    assert len(parse_cache.load(where, parse_cache.parser_version(CONFIG))) == 1
    # A cache that cannot be read or replaced (here a folder in its place) is gone without.
    where.unlink()
    where.mkdir()
    loaded, _ = load_folder(notices_dir, CONFIG)
    assert len(loaded.notices) == 1 and where.is_dir() and not list(where.iterdir())
    assert not [p for p in notices_dir.parent.iterdir() if p.name.endswith(".tmp")]


def other_config(folder):
    path = folder / "other-status.toml"
    text = (ROOT / "status.toml").read_text(encoding="utf-8")
    assert "slow_ms = 3000" in text
    path.write_text(text.replace("slow_ms = 3000", "slow_ms = 2999", 1), encoding="utf-8")
    return path
