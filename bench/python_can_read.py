"""Times python-can reading one CAN log, the way bench/can-read.bench.ts times Atelier.

Usage: /usr/bin/python3 bench/python_can_read.py FILE candump|asc|blf
Prints one JSON line: frames, wall and CPU seconds, peak RSS in MiB.
"""
import json
import resource
import sys
import time

import can

READERS = {"candump": can.CanutilsLogReader, "asc": can.ASCReader, "blf": can.BLFReader}


def main() -> None:
    path, fmt = sys.argv[1], sys.argv[2]
    reader = READERS[fmt]
    cpu_start = time.process_time()
    start = time.perf_counter()
    frames = 0
    size = 0
    for message in reader(path):
        frames += 1
        size += len(message.data)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"frames": frames, "seconds": seconds, "cpuSeconds": cpu_seconds, "rssMiB": peak_kib / 1024, "bytes": size}))


if __name__ == "__main__":
    main()
