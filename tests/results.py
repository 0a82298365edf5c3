"""The reports of tests/run.py: one for machines and one for people.

write(results, OUT.xml, OUT.md) writes JUnit XML: one <testsuite> per
column (arch x CPUs x options, the eager fork, host), one <testcase> per
test with its time, and for a failure a <failure> with the reason and the
tail of the test's part of its log; and a Markdown table, tests as rows
and columns as columns, which it returns. Standard library only.
"""
import xml.etree.ElementTree as ET
from collections import namedtuple

# status: "pass" or "FAIL"; number: the test's number in its suite's
# result lines (0: none), for log_tail.
Result = namedtuple("Result", "column test status seconds log why number")

TAIL_LINES = 30


def unique(items):
    """Return items without repeats, in order of first appearance."""
    return list(dict.fromkeys(items))


def xml_text(s):
    """Return s without the control characters XML 1.0 cannot hold."""
    return "".join(c for c in s if c in "\t\n" or c >= " ")


def log_tail(r):
    """Return the last lines of r's part of its log: for a test of a
    suite, from its "# run N name" line to its result line (or the end, if
    the boot died in it)."""
    try:
        with open(r.log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return "(no log at %s)" % r.log
    if r.number:
        head = "# run %d " % r.number
        starts = [i for i, l in enumerate(lines) if l.startswith(head)]
        if starts:
            lines = lines[starts[-1]:]
            ends = [i for i, l in enumerate(lines)
                    if l.startswith("not ok %d " % r.number)]
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


def write(results, xml_path, md_path):
    """Write the JUnit report to xml_path and the table to md_path.
    Return: the table."""
    tree = junit(results)
    ET.indent(tree)
    tree.write(xml_path, encoding="utf-8", xml_declaration=True)
    ET.parse(xml_path)  # what we wrote must read back as XML
    table = matrix(results)
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(table)
    return table
