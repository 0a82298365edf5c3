#!/usr/bin/env python3
"""Tests of tests/run.py's reading and judging of result lines, on made-up
consoles (no QEMU): what counts as a result, who is blamed for a dead
boot, where the next boot resumes, and how the matrix narrows. Run by make
test's host column; standard library only."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import run  # noqa: E402


def console(lines, status=0):
    """A Boot that printed lines, one a second, and exited with status
    (None: killed after the timeout)."""
    b = run.Boot()
    for i, line in enumerate(lines):
        b.read(line, float(i))
    b.status = status
    b.seconds = float(len(lines))
    return b


class Quiet(run.Run):
    """A Run that keeps its results and prints nothing."""

    def __init__(self):
        super().__init__(tempfile.gettempdir())

    def record(self, column, test, ok, secs, log, why="", number=0):
        self.results.append((test, ok, why))


def suite(check="user"):
    """A Suite of the first column, its build done, with a Quiet run."""
    s = run.Suite(Quiet(), run.Setup({}, 120), matrix.COLUMNS[0], check)
    s.estimate = 10.0
    return s


run.say = lambda text: None  # the progress of made-up boots
BUILD = run.Job("build", 1, list)
BUILD.done = True


class ReadTest(unittest.TestCase):
    def test_results(self):
        b = console(["1..2", "# run 1 a", "ok 1 a", "# run 2 b",
                     "not ok 2 b # leaked 3 pages"])
        self.assertEqual(b.plan, 2)
        self.assertEqual([r[:4] for r in b.results],
                         [(1, "a", True, ""), (2, "b", False,
                                               "leaked 3 pages")])
        self.assertIsNone(b.running)

    def test_output_cannot_fake_lines(self):
        b = console(["1..1", "# run 1 a", "ok 7 a", "not ok 1 x # no",
                     "# run 5 fake", "1..9", "ok 1 a"])
        self.assertEqual(b.plan, 1)
        self.assertEqual([r[:3] for r in b.results], [(1, "a", True)])

    def test_running_when_it_died(self):
        b = console(["1..3", "# run 1 a", "ok 1 a", "# run 2 b",
                     "Bail out! panic: page fault"], 1)
        self.assertEqual(b.running[:2], (2, "b"))
        self.assertEqual(b.last(), 2)
        self.assertTrue(b.why_dead(120, "L").startswith(
            "panic: page fault"))

    def test_qemu_message(self):
        b = console([], 1)
        b.stderr = "qemu-system-riscv64: Some ROM regions are overlapping"
        self.assertEqual(b.why_dead(120, "L"), b.stderr + ", log L")
        self.assertIn("no exit within 120 s in b", console(
            ["1..2", "# run 1 b"], None).why_dead(120, "L"))


class JudgeTest(unittest.TestCase):
    def test_panic_blames_the_test_and_resumes_after_it(self):
        s = suite()
        follow = s.judge(console(["1..3", "# run 1 a", "ok 1 a",
                                  "# run 2 b", "Bail out! panic: x"], 1),
                         BUILD, 0, "L1")
        self.assertEqual(s.run.results[:2], [
            ("user a", True, ""), ("user b", False, "panic: x, log L1")])
        self.assertEqual(len(follow), 1)
        self.assertEqual(s.words(2), "runtests start=2")
        s.judge(console(["1..3", "# run 3 c", "ok 3 c"]), BUILD, 2, "L2")
        self.assertEqual(s.run.results[-1], (
            "user suite complete", True, "3 results for 3 tests listed"))

    def test_no_progress_is_the_boots_failure(self):
        s = suite()
        self.assertEqual(s.judge(console(["1..3"], 1), BUILD, 0, "L"), [])
        self.assertEqual([r[:2] for r in s.run.results], [
            ("user (boot)", False), ("user suite complete", False)])

    def test_an_expected_end_resumes(self):
        s = suite("faults")
        follow = s.judge(console(["1..7", "# run 1 panic on f",
                                  "ok 1 panic on f"]), BUILD, 0, "L")
        self.assertEqual(s.run.results, [("panic on f", True, "")])
        self.assertEqual(s.words(1), "selftest=faults start=1")
        self.assertEqual(len(follow), 1)

    def test_one_row_for_a_check_of_its_own(self):
        s = suite("mem8")
        s.judge(console(["1..2", "# run 1 pmem", "ok 1 pmem",
                         "# run 2 memory",
                         "not ok 2 memory # check failed: x"], 1),
                BUILD, 0, "L")
        self.assertEqual(s.run.results, [
            ("boot MEM=8M", False, "memory: check failed: x")])

    def test_skip_is_no_row(self):
        s = suite("selftest")
        s.judge(console(["1..1", "# run 1 ipi",
                         "ok 1 ipi # SKIP needs 2 cpus"]), BUILD, 0, "L")
        self.assertEqual(s.run.results, [])


class ScheduleTest(unittest.TestCase):
    def job(self, weight, estimate):
        j = run.Job("j", weight, list)
        j.estimate = estimate
        return j

    def test_a_gap_takes_only_what_ends_in_time(self):
        running = {self.job(1, 10): (10.0, 1)}  # ends at 10 s
        two, long_one, short = self.job(2, 30), self.job(1, 20), \
            self.job(1, 5)
        self.assertEqual(run.startable([two, long_one, short], 1, running,
                                       0.0), [short])

    def test_in_order_while_they_fit(self):
        a, b, c = self.job(1, 9), self.job(1, 8), self.job(1, 7)
        self.assertEqual(run.startable([a, b, c], 2, {}, 0.0), [a, b])

    def test_everything_runs_once(self):
        done = []
        jobs = [run.Job("k%d" % i, 1 + i % 2, lambda i=i: done.append(i)
                        or []) for i in range(5)]
        self.assertEqual(run.schedule(jobs, {}), [])
        self.assertEqual(sorted(done), list(range(5)))


class NarrowTest(unittest.TestCase):
    def labels(self, **knobs):
        return [matrix.label(c) for c in matrix.narrow(matrix.COLUMNS,
                                                        knobs)]

    def test_exactly_that_column(self):
        self.assertEqual(self.labels(ARCH="riscv", CPUS="2", MEM="8M"),
                         ["riscv cpus=2 mem=8M"])

    def test_an_arch_keeps_all_its_columns(self):
        got = self.labels(ARCH="riscv")
        self.assertIn("riscv cpus=2 fault_sleep", got)
        self.assertIn("riscv-sv48 cpus=1", got)
        self.assertFalse([c for c in got if c.startswith("x86_64")])

    def test_a_machine_no_column_has(self):
        self.assertEqual(self.labels(ARCH="riscv", FORK="eager"),
                         ["riscv cpus=1 eager", "riscv cpus=2 eager"])

    def test_sv48_everywhere(self):
        got = self.labels(RISCV_MODE="sv48")
        self.assertFalse([c for c in got if c.startswith("riscv ")])
        self.assertIn("riscv-sv48 cpus=2 fault_sleep", got)


if __name__ == "__main__":
    unittest.main()
