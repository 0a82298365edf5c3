#!/usr/bin/env python3
"""The benchmarks' results: from a boot log to JSON, a Markdown table, a chart.

  report.py parse LOG -o OUT.json [--require LINE] [--set key=value ...]
      Collect the BENCH lines of LOG (a serial log of `make bench`, or the
      output of the benchmarks on any system; "-" reads stdin) into a JSON
      file, with what is known of the machine. Fails when LOG holds no BENCH
      line, says the run failed, or lacks the line LINE.
  report.py table FILE.json ...
      One Markdown table of the medians, a column per file (missing files are
      skipped), e.g. x86_64 COW beside x86_64 eager.
  report.py plot -o OUT.svg FILE.json ...
      An SVG chart of fork_exit_wait against the MiB touched, a line per file.

JSON format (docs/performance.md): an object with "label" (the column's
title), metadata strings ("arch", "fork", "clock", "qemu", "host_cpu", ...)
and "results", a list of objects with the fields of a BENCH line: name,
param, unit, median_ns, min_ns, max_ns, runs. Python standard library only.
"""

import argparse
import datetime
import json
import math
import os
import re
import subprocess
import sys

BENCH_FIELDS = ("name", "param", "unit", "median_ns", "min_ns", "max_ns", "runs")
INT_FIELDS = ("param", "median_ns", "min_ns", "max_ns", "runs")
BENCH_RE = re.compile(r"^BENCH((?: \w+=\S+)+)\s*$")
# What a measurement's param counts; MiB unless listed.
PARAM_UNITS = {"null_syscall": "calls", "stack_growth": "pages",
               "spawn_wait": None, "fork_exec_wait": None}


def parse_bench_line(line):
    """The fields of one BENCH line as a dict, or None if it is not one."""
    m = BENCH_RE.match(line.strip().replace("\r", ""))
    if not m:
        return None
    fields = dict(kv.split("=", 1) for kv in m.group(1).split())
    if any(f not in fields for f in BENCH_FIELDS):
        return None
    rec = {f: fields[f] for f in BENCH_FIELDS}
    for f in INT_FIELDS:
        rec[f] = int(rec[f])
    return rec


def host_facts():
    """What is known of the machine running this: CPU model, load, commit."""
    facts = {"date": datetime.datetime.now().isoformat(timespec="seconds")}
    try:
        with open("/proc/cpuinfo") as f:
            models = [l.split(":", 1)[1].strip() for l in f
                      if l.startswith("model name")]
        if models:
            facts["host_cpu"] = "%s (%d threads)" % (models[0], len(models))
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as f:
            facts["host_load"] = " ".join(f.read().split()[:3])
    except OSError:
        pass
    try:
        facts["commit"] = subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True,
            text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return facts


def cmd_parse(args):
    """report.py parse: a log to a JSON file."""
    text = sys.stdin.read() if args.log == "-" else open(
        args.log, errors="replace").read()
    lines = text.replace("\r", "").splitlines()
    results = [r for r in map(parse_bench_line, lines) if r]
    failed = [l for l in lines
              if l.startswith(("not ok ", "FAIL ", "panic", "ERROR"))]
    if args.require and args.require not in lines:
        failed.append("no line '%s'" % args.require)
    if failed or not results:
        sys.exit("report.py: %s: %s" % (args.log, failed[0] if failed
                                         else "no BENCH lines"))
    doc = host_facts()
    for l in lines:
        if l.startswith("clock: "):
            doc["clock"] = l[len("clock: "):]
    for kv in args.set:
        key, _, value = kv.partition("=")
        doc[key] = value
    doc.setdefault("label", " ".join(
        doc[k] for k in ("arch", "fork") if k in doc) or args.log)
    doc["results"] = results
    with open(args.output, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("%s: %d measurements (%s)" % (args.output, len(results),
                                        doc["label"]))


def load(paths):
    """The JSON documents of the paths that exist, with their results."""
    docs = []
    for p in paths:
        if not os.path.exists(p):
            continue
        with open(p) as f:
            doc = json.load(f)
        if isinstance(doc, list):  # a bare list of results
            doc = {"results": doc}
        doc.setdefault("label", os.path.basename(p).rsplit(".", 1)[0])
        docs.append(doc)
    return docs


def fmt_ns(ns, digits=3):
    """A time in nanoseconds, in the unit that suits it, to 3 significant
    digits (or as few as it needs, with digits=None: "10 ms")."""
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            v = ns / scale
            break
    else:
        return "%d ns" % ns
    if digits is None:
        return "%g %s" % (v, unit)
    return "%.*f %s" % (max(0, digits - len("%d" % round(v))), v, unit)


def fmt_param(name, param):
    """The size of one run, in words: '16 MiB', '10000 calls', ''."""
    unit = PARAM_UNITS.get(name, "MiB")
    return "%d %s" % (param, unit) if unit else ""


def cmd_table(args):
    """report.py table: the medians of every file side by side."""
    docs = load(args.files)
    if not docs:
        sys.exit("report.py: none of %s exists" % " ".join(args.files))
    rows = []
    for doc in docs:
        for r in doc["results"]:
            key = (r["name"], r["param"], r["unit"])
            if key not in rows:
                rows.append(key)
    cells = [{(r["name"], r["param"], r["unit"]): r["median_ns"]
              for r in d["results"]} for d in docs]
    print("| measurement | size | per | " +
          " | ".join(d["label"] for d in docs) + " |")
    print("|---|---|---|" + "---:|" * len(docs))
    for key in rows:
        name, param, unit = key
        print("| %s | %s | %s | %s |" % (
            name, fmt_param(name, param), unit,
            " | ".join(fmt_ns(c[key]) if key in c else "" for c in cells)))
    print()
    print("Medians; " + "; ".join(
        "%s: %s" % (d["label"], d.get("clock", "?")) for d in docs) + ".")


# ---- The SVG chart -----------------------------------------------------------

SVG_W, SVG_H = 720, 440
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 80, 200, 40, 60
# A colour per system (a label's first word), COW solid and eager dashed.
COLOURS = {"x86_64": "#1f77b4", "riscv": "#2ca02c", "linux": "#000000"}
OTHER_COLOURS = ("#d62728", "#ff7f0e", "#9467bd", "#8c564b")


def fork_series(doc):
    """[(MiB, median, min, max)] of fork_exit_wait in doc, by MiB."""
    return sorted((r["param"], r["median_ns"], r["min_ns"], r["max_ns"])
                  for r in doc["results"] if r["name"] == "fork_exit_wait")


def svg_text(x, y, text, anchor="middle", size=12, extra=""):
    return ('<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%d" %s>%s'
            "</text>" % (x, y, anchor, size, extra, text))


def plot_axes(out, xmax, ylo, yhi, sx, sy):
    """Frame, x ticks every 16 MiB, y ticks at each power of ten."""
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
               'stroke="black"/>' % (MARGIN_L, MARGIN_T,
                                     SVG_W - MARGIN_L - MARGIN_R,
                                     SVG_H - MARGIN_T - MARGIN_B))
    for mib in range(0, int(xmax) + 1, 16):
        out.append(svg_text(sx(mib), SVG_H - MARGIN_B + 18, str(mib)))
    for e in range(int(math.floor(ylo)), int(math.ceil(yhi)) + 1):
        y = sy(e)
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                   % (MARGIN_L, SVG_W - MARGIN_R, y, y))
        out.append(svg_text(MARGIN_L - 6, y + 4, fmt_ns(10 ** e, None), "end"))
    out.append(svg_text((MARGIN_L + SVG_W - MARGIN_R) / 2, SVG_H - 20,
                        "MiB of heap touched before the fork"))
    out.append(svg_text(18, (MARGIN_T + SVG_H - MARGIN_B) / 2,
                        "fork + exit + wait (median, min-max; log scale)",
                        extra='transform="rotate(-90 18 %.1f)"'
                        % ((MARGIN_T + SVG_H - MARGIN_B) / 2)))


def plot_series(out, i, label, pts, sx, sy):
    """One file's line, its min-max bars and its legend entry."""
    colour = COLOURS.get(label.split()[0].lower(),
                         OTHER_COLOURS[i % len(OTHER_COLOURS)])
    dash = 'stroke-dasharray="6,3" ' if "eager" in label else ""
    path = " ".join("%.1f,%.1f" % (sx(m), sy(math.log10(med)))
                    for m, med, _, _ in pts)
    out.append('<polyline points="%s" fill="none" stroke="%s" %s'
               'stroke-width="2"/>' % (path, colour, dash))
    for m, med, lo, hi in pts:
        x = sx(m)
        out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" '
                   'stroke="%s"/>' % (x, x, sy(math.log10(lo)),
                                      sy(math.log10(hi)), colour))
        out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>'
                   % (x, sy(math.log10(med)), colour))
    ly = MARGIN_T + 10 + 22 * i
    lx = SVG_W - MARGIN_R + 16
    out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" %s'
               'stroke-width="2"/>' % (lx, lx + 24, ly, ly, colour, dash))
    out.append(svg_text(lx + 30, ly + 4, label, "start"))


def cmd_plot(args):
    """report.py plot: fork_exit_wait against MiB touched, as SVG."""
    series = [(d["label"], fork_series(d)) for d in load(args.files)]
    series = [(label, pts) for label, pts in series if pts]
    if not series:
        sys.exit("report.py: no fork_exit_wait results in %s"
                 % " ".join(args.files))
    allpts = [p for _, pts in series for p in pts]
    xmax = max(16, max(p[0] for p in allpts))
    xmax = 16 * math.ceil(xmax / 16)
    ylo = math.floor(math.log10(max(1, min(p[2] for p in allpts))))
    yhi = math.ceil(math.log10(max(p[3] for p in allpts)))
    if yhi == ylo:
        yhi += 1

    def sx(mib):
        return MARGIN_L + (SVG_W - MARGIN_L - MARGIN_R) * mib / xmax

    def sy(log_ns):
        return SVG_H - MARGIN_B - (SVG_H - MARGIN_T - MARGIN_B) * (
            (log_ns - ylo) / (yhi - ylo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif">' % (SVG_W, SVG_H),
           '<rect width="100%" height="100%" fill="white"/>',
           svg_text(SVG_W / 2, 24, "fork + exit + wait against memory "
                    "touched", size=15)]
    plot_axes(out, xmax, ylo, yhi, sx, sy)
    for i, (label, pts) in enumerate(series):
        plot_series(out, i, label, pts, sx, sy)
    out.append("</svg>")
    with open(args.output, "w") as f:
        f.write("\n".join(out) + "\n")
    print("%s: %s" % (args.output, ", ".join(l for l, _ in series)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parse", help="a log's BENCH lines to JSON")
    p.add_argument("log")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--require", metavar="LINE",
                   help="a line the log must hold (e.g. 'PASS bench')")
    p.add_argument("--set", action="append", default=[],
                   metavar="KEY=VALUE", help="a fact to record (label=...)")
    p.set_defaults(fn=cmd_parse)
    p = sub.add_parser("table", help="a Markdown table of JSON files")
    p.add_argument("files", nargs="+")
    p.set_defaults(fn=cmd_table)
    p = sub.add_parser("plot", help="an SVG chart of fork_exit_wait")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("files", nargs="+")
    p.set_defaults(fn=cmd_plot)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
