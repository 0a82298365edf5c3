#!/usr/bin/env python3
"""Turn the results of tests/run-tests.sh into a report for machines and one
for people, and print the second.

    tests/results.py RESULTS.tsv OUT.xml OUT.md

RESULTS.tsv has one line per result: column, test, status (pass or FAIL),
seconds, log file, reason (empty when it passed), separated by tabs.

OUT.xml is JUnit XML: one <testsuite> per column (arch x CPUs, the eager
fork, host), one <testcase> per test with its time, and for a failure a
<failure> with the reason and the tail of the test's part of its log.
OUT.md is a Markdown table, tests as rows and columns as columns.
Standard library only.
"""
import sys
import xml.etree.ElementTree as ET
from collections import namedtuple

Result = namedtuple("Result", "column test status seconds log why")

TAIL_LINES = 30


def read_results(path):
    """Return the list of Results in the file at path."""
    results = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            fields += [""] * (6 - len(fields))
            column, test, status, seconds, log, why = fields[:6]
            results.append(Result(column, test, status, float(seconds or 0),
                                  log, why))
    return results


def unique(items):
    """Return items without repeats, in order of first appearance."""
    return list(dict.fromkeys(items))


def xml_text(s):
    """Return s without the control characters XML 1.0 cannot hold."""
    return "".join(c for c in s if c in "\t\n" or c >= " ")


def log_tail(r):
    """Return the last lines of r's part of its log: for a user test, from
    its RUN line to its verdict (or the end, if the boot died in it)."""
    try:
        with open(r.log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return "(no log at %s)" % r.log
    if r.test.startswith("user "):
        name = r.test[len("user "):]
        if "RUN " + name in lines:
            lines = lines[lines.index("RUN " + name):]
            ends = [i for i, l in enumerate(lines)
                    if l.startswith("FAIL %s:" % name)]
            if ends:
                lines = lines[:ends[0] + 1]
    tail = lines[-TAIL_LINES:]
    return "log %s, last %d lines:\n%s\n" % (r.log, len(tail), "\n".join(tail))


def junit(results):
    """Return the ElementTree of the JUnit report."""
    top = ET.Element("testsuites", name="make test")
    for column in unique(r.column for r in results):
        mine = [r for r in results if r.column == column]
        suite = ET.SubElement(top, "testsuite", name=column)
        suite.set("tests", str(len(mine)))
        suite.set("failures", str(sum(r.status != "pass" for r in mine)))
        suite.set("errors", "0")
        suite.set("time", "%.1f" % sum(r.seconds for r in mine))
        for r in mine:
            case = ET.SubElement(suite, "testcase", classname=column,
                                 name=r.test, time="%.1f" % r.seconds)
            if r.status != "pass":
                failure = ET.SubElement(case, "failure",
                                        message=xml_text(r.why or "failed"))
                failure.text = xml_text(log_tail(r))
    top.set("tests", str(len(results)))
    top.set("failures", str(sum(r.status != "pass" for r in results)))
    top.set("time", "%.1f" % sum(r.seconds for r in results))
    return ET.ElementTree(top)


def matrix(results):
    """Return the Markdown table: a row per test, a column per column,
    padded so that it reads as a table in a terminal too."""
    columns = unique(r.column for r in results)
    cell = {(r.test, r.column): "%s %.1fs" % (r.status, r.seconds)
            for r in results}
    rows = [["test"] + columns]
    for test in unique(r.test for r in results):
        rows.append([test] + [cell.get((test, c), "") for c in columns])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rows.insert(1, ["-" * w for w in widths])
    return "".join("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths))
                   + " |\n" for row in rows)


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: results.py RESULTS.tsv OUT.xml OUT.md")
    results = read_results(argv[1])
    tree = junit(results)
    ET.indent(tree)
    tree.write(argv[2], encoding="utf-8", xml_declaration=True)
    ET.parse(argv[2])  # what we wrote must read back as XML
    table = matrix(results)
    with open(argv[3], "w", encoding="utf-8") as f:
        f.write(table)
    print(table, end="")
    print("(JUnit XML: %s, this table: %s)" % (argv[2], argv[3]))


if __name__ == "__main__":
    main(sys.argv)
