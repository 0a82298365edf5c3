#!/usr/bin/env python3
"""This kernel's benchmarks beside Linux's, with ratios (make bench-compare).

    compare.py [KERNEL.json [EAGER.json [LINUX.json]]]

Defaults: build/bench-x86_64.json (this kernel, copy-on-write fork),
build/bench-x86_64-eager.json (FORK=eager) and build/bench-linux.json, in
the format of tests/bench/report.py (docs/performance.md). A missing or
unreadable file leaves its column empty ("-"). One row per (name, param,
unit) with the three medians, then this kernel's and the eager kernel's
divided by Linux's (below 1: this kernel is faster). Python standard
library only.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (tests/bench/report.py: load, fmt_ns)

DEFAULTS = ["build/bench-x86_64.json", "build/bench-x86_64-eager.json",
            "build/bench-linux.json"]
HEADER = ["measurement", "size", "per", "this kernel", "FORK=eager",
          "Linux", "kernel/Linux", "eager/Linux"]


def medians(path):
    """Return ({(name, param, unit): median_ns}, [keys in order]) of the
    file at path; ({}, []) with a note when it cannot be used."""
    try:
        docs = report.load([path])
        if not docs:
            raise OSError("no such file")
        rows = docs[0]["results"]
        return ({(r["name"], r["param"], r["unit"]): r["median_ns"]
                 for r in rows},
                [(r["name"], r["param"], r["unit"]) for r in rows])
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("compare: %s left out (%s)" % (path, e))
        return {}, []


def ratio(a, b):
    """Return a / b to two decimals, or "-" when either is missing."""
    return "%.2f" % (a / b) if a is not None and b else "-"


def table(columns, order):
    """Return the table's rows of cells, the header first."""
    rows = [HEADER]
    for key in order:
        k, e, lx = (c.get(key) for c in columns)
        rows.append([key[0], report.fmt_param(key[0], key[1]), key[2]] +
                    ["-" if v is None else report.fmt_ns(v)
                     for v in (k, e, lx)] + [ratio(k, lx), ratio(e, lx)])
    return rows


def main(argv):
    if len(argv) > 4:
        print(__doc__, file=sys.stderr)
        return 2
    loaded = [medians(p) for p in argv[1:] + DEFAULTS[len(argv) - 1:]]
    order = []
    for _, keys in loaded:
        order += [k for k in keys if k not in order]
    if not order:
        print("compare: no results to compare")
        return 1
    rows = table([cells for cells, _ in loaded], order)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for r in rows:
        print("  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
