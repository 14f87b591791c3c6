#!/usr/bin/python3
"""Time loading a JSONL dataset the way the Python scaffold does it.

    /usr/bin/python3 bench/py_json_load.py /tmp/bench-data/large.jsonl

The scaffold reads the whole file into a list with one json.loads per line
(`data = [json.loads(line) for line in f]`); blank lines are skipped here so the
same files as the C++ reader accept can be timed.

Prints one line of JSON:
    {"seconds": ..., "mb_per_s": ..., "peak_rss_mb": ..., ...}
MB is 10^6 bytes of file per second; peak_rss_mb is the process's peak resident
set (resource.getrusage ru_maxrss, KiB on Linux) in MiB, interpreter included;
rss_before_mb is the same figure just before the load.
"""

import json
import os
import resource
import sys
import time


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    size = os.path.getsize(path)
    before = peak_rss_mib()
    t0 = time.perf_counter()
    with open(path, "r", encoding="utf-8") as f:
        data = [json.loads(line) for line in f if line.strip()]
    seconds = time.perf_counter() - t0
    result = {
        "seconds": round(seconds, 3),
        "mb_per_s": round(size / 1e6 / seconds, 1),
        "peak_rss_mb": round(peak_rss_mib(), 1),
        "rss_before_mb": round(before, 1),
        "file_mb": round(size / 1e6, 1),
        "rows": len(data),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
