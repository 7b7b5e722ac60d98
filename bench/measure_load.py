"""Prints, as JSON, how long loading a notices folder takes and the process's peak memory."""

import json
import resource
import sys
import time


def main(folder: str) -> None:
    started = time.perf_counter()
    from app import create_app
    from mpass_status import runtime

    imported = time.perf_counter()
    app = create_app({"NOTICES_DIR": folder})
    notices = runtime.notices(app)
    loaded = time.perf_counter()
    # ru_maxrss is in KiB on Linux: the peak resident set of this process.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss
    print(
        json.dumps(
            {
                "notices": len(notices.notices),
                "problems": len([p for p in notices.problems if not p.warning]),
                "import_s": round(imported - started, 3),
                "load_s": round(loaded - imported, 3),
                "peak_rss_mb": round(peak_kib / 1024, 1),
                # CPU time tells the cost even when other work shares the cores.
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
