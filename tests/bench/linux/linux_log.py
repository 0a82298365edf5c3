#!/usr/bin/env python3
"""The course tests' results in the console log of make linux-test.

    linux_log.py LOG     one line per test, then "N passed, N failed"

init (tests/bench/linux/init.c) frames each program's output with
"== run <command>" and "== exit <command> status=N ms=N", and ends with
"== done". A test passes as under make test: it exits 0, prints "passed"
and no "ERROR". Exit status: 0 when the boot reached "== done" and every
test passed. (make bench-linux reads its log with tests/bench/report.py.)
"""
import re
import sys

RUN = re.compile(r"^== run (.*)$")
EXIT = re.compile(r"^== exit (.*) status=(-?\d+) ms=(\d+)")
BOOT = re.compile(r"linux-init: boot_ms=(-?\d+)")


def read_lines(path):
    """Return the log's lines without the serial console's CRs."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\r\n").rstrip("\r") for line in f]


def verdict(status, text):
    """Return why a test with this exit status and output failed, or ""."""
    if status != 0:
        return "exit status %d" % status
    if "ERROR" in text:
        return "printed ERROR"
    return "" if "passed" in text else "never printed passed"


def results(lines):
    """Return (command, why it failed or "", ms) for every program run."""
    found, command, output = [], None, []
    for line in lines:
        run, end = RUN.match(line), EXIT.match(line)
        if run:
            command, output = run.group(1), []
        elif end and command is not None:
            why = verdict(int(end.group(2)), "\n".join(output))
            found.append((command, why, end.group(3)))
            command = None
        elif command is not None:
            output.append(line)
    if command is not None:
        found.append((command, "never exited", "-"))
    return found


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = read_lines(argv[1])
    found = results(lines)
    for command, why, ms in found:
        print("  %s  linux  %-24s %6s ms  %s"
              % ("FAIL" if why else "PASS", command, ms, why))
    boot = [m.group(1) for m in map(BOOT.search, lines) if m]
    if boot:
        print("linux: init started %s ms after boot" % boot[0])
    done = "== done" in lines
    if not done:
        print("linux: the boot did not finish (no '== done'): hang, "
              "timeout or panic; see %s" % argv[1])
    passed = sum(1 for r in found if not r[1])
    print("%d passed, %d failed" % (passed, len(found) - passed))
    return 0 if done and passed == len(found) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
