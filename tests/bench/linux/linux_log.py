#!/usr/bin/env python3
"""Read the console log of a Linux boot made by tests/bench/linux/linux.mk.

    linux_log.py bench LOG JSON   the BENCH lines, as a JSON list of objects
                                  (name, param, unit, median_ns, min_ns,
                                  max_ns, runs), to JSON
    linux_log.py tests LOG        one line per test, then "N passed, N failed"

init (tests/bench/linux/init.c) frames each program's output with
"== run <command>" and "== exit <command> status=N ms=N", and ends with
"== done". A test passes when it exits 0, prints "passed" and no "ERROR".
Exit status: 0 when the boot reached "== done" and nothing failed.
"""
import json
import re
import sys

BENCH = re.compile(r"BENCH name=(\S+) param=(-?\d+) unit=(\S+) "
                   r"median_ns=(\d+) min_ns=(\d+) max_ns=(\d+) runs=(\d+)")
RUN = re.compile(r"^== run (.*)$")
EXIT = re.compile(r"^== exit (.*) status=(-?\d+) ms=(\d+)")
INIT = re.compile(r"linux-init: boot_ms=(-?\d+) tsc_hz=(\d+)")


def read_lines(path):
    """Return the log's lines without the serial console's CRs."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\r\n").rstrip("\r") for line in f]


def boot_summary(lines):
    """Print init's boot line; return whether the boot reached '== done'."""
    for line in lines:
        m = INIT.search(line)
        if m:
            print("linux: init started %s ms after boot; TSC %.3f GHz"
                  % (m.group(1), int(m.group(2)) / 1e9))
    done = "== done" in lines
    if not done:
        print("linux: the boot did not finish (no '== done'): hang, "
              "timeout or panic; see the log")
    return done


def bench(lines, out):
    """Write the BENCH lines to out as JSON. Return: the exit status."""
    rows = []
    for line in lines:
        m = BENCH.search(line)
        if m:
            name, param, unit, med, lo, hi, runs = m.groups()
            rows.append({"name": name, "param": int(param), "unit": unit,
                         "median_ns": int(med), "min_ns": int(lo),
                         "max_ns": int(hi), "runs": int(runs)})
            print(line)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")
    print("linux: %d BENCH lines -> %s" % (len(rows), out))
    done = boot_summary(lines)
    return 0 if done and rows else 1


def test_results(lines):
    """Return [(command, passed, why)] for every program init started."""
    results, command, output = [], None, []
    for line in lines:
        m, e = RUN.match(line), EXIT.match(line)
        if m:
            command, output = m.group(1), []
        elif e and command is not None:
            text = "\n".join(output)
            status = int(e.group(2))
            why = ("exit status %d" % status if status != 0 else
                   "printed ERROR" if "ERROR" in text else
                   "never printed passed" if "passed" not in text else "")
            results.append((command, why == "", why, e.group(3)))
            command = None
        elif command is not None:
            output.append(line)
    if command is not None:
        results.append((command, False, "never exited", "-"))
    return results


def tests(lines):
    """Print one line per test and the total. Return: the exit status."""
    results = test_results(lines)
    for command, ok, why, ms in results:
        print("  %s  linux  %-24s %6s ms  %s"
              % ("PASS" if ok else "FAIL", command, ms, why))
    done = boot_summary(lines)
    passed = sum(1 for r in results if r[1])
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if done and passed == len(results) else 1


def main(argv):
    if len(argv) == 4 and argv[1] == "bench":
        return bench(read_lines(argv[2]), argv[3])
    if len(argv) == 3 and argv[1] == "tests":
        return tests(read_lines(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
