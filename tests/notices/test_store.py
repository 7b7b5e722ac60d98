"""The store reloads when files change, and a large archive loads the same in parallel."""

import os
import subprocess
import sys

from bench.synthetic_notices import write_archive
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
