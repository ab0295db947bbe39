#!/usr/bin/env python3
"""Add up the counters the fault-injection shim appended to a stats file (one line per
server process: "pid P calls N short N eintr N eagain N") and print one summary line, the
evidence that faults really were injected during the run.

    python3 hardening/faultinject/sum_stats.py build/faultinject/stats-async.txt
"""

import sys


def main(path):
    totals = {"calls": 0, "short": 0, "eintr": 0, "eagain": 0}
    processes = 0
    try:
        with open(path) as f:
            for row in f:
                words = row.split()
                fields = dict(zip(words[0::2], words[1::2]))
                processes += 1
                for k in totals:
                    totals[k] += int(fields.get(k, 0))
    except OSError:
        pass
    print("faults injected: %d short counts, %d EINTR, %d EAGAIN in %d socket calls "
          "(%d server processes)" % (totals["short"], totals["eintr"], totals["eagain"],
                                     totals["calls"], processes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
