#!/usr/bin/env python3
"""Print this kernel's benchmarks beside Linux's (make bench-compare).

    compare.py [KERNEL.json [EAGER.json [LINUX.json]]]

Defaults: build/bench-x86_64.json (this kernel, copy-on-write fork),
build/bench-x86_64-eager.json (FORK=eager) and build/bench-linux.json.
Each file is a JSON list of objects with name, param, unit, median_ns,
min_ns, max_ns and runs, as make bench and make bench-linux write them. A
missing or unreadable file leaves its column empty ("-"). One row per
(name, param, unit); the cells are medians, and each ratio is a column of
this kernel divided by Linux (below 1: this kernel is faster).
"""
import json
import sys

DEFAULTS = ["build/bench-x86_64.json", "build/bench-x86_64-eager.json",
            "build/bench-linux.json"]
HEADER = ["benchmark", "param", "unit", "this kernel", "FORK=eager",
          "Linux", "kernel/Linux", "eager/Linux"]


def load(path):
    """Return {(name, param, unit): median_ns} from path, and the order of
    its keys; ({}, []) with a note when the file cannot be used."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)
        medians = {(r["name"], r["param"], r["unit"]): r["median_ns"]
                   for r in rows}
        return medians, [(r["name"], r["param"], r["unit"]) for r in rows]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("compare: %s not used (%s: %s)" % (path, type(e).__name__, e))
        return {}, []


def show_ns(ns):
    """Return ns in a readable unit, or "-" for None."""
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%d ns" % ns


def ratio(a, b):
    """Return a / b to two decimals, or "-" when either is missing."""
    if a is None or not b:
        return "-"
    return "%.2f" % (a / b)


def table(kernel, eager, linux, order):
    """Return the rows of the table, the header first."""
    rows = [HEADER]
    for key in order:
        k, e, lx = kernel.get(key), eager.get(key), linux.get(key)
        rows.append([key[0], str(key[1]), key[2], show_ns(k), show_ns(e),
                     show_ns(lx), ratio(k, lx), ratio(e, lx)])
    return rows


def main(argv):
    paths = argv[1:] + DEFAULTS[len(argv) - 1:]
    if len(paths) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    loaded = [load(p) for p in paths]
    order = []
    for _, keys in loaded:
        order += [k for k in keys if k not in order]
    if not order:
        print("compare: no benchmark results to compare")
        return 1
    rows = table(loaded[0][0], loaded[1][0], loaded[2][0], order)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for r in rows:
        print("  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
