#!/usr/bin/env python3
"""The test runner: make test, make repeat, make soak-smp (docs/testing.md).

    tests/run.py [VAR=value ...] [--repeat N] [--table test|soak]
    tests/run.py --boot LOG --cmdline WORDS [VAR=value ...]

Runs the host unit tests and the columns of tests/matrix.py: each column's
kernel is built (a build directory per arch, fork flavour and option set),
then booted headless under QEMU once per check, boots in parallel up to
the machine's cores (a boot of CPUS=2 takes two). Each boot's console is
read for result lines only: the plan "1..N", "# run N name" when test N
starts, "ok N name" or "not ok N name # reason", and "Bail out! why" when
the kernel gives up; a boot that dies (panic, hang, QEMU refusing to
start) fails the test that was running and the next boot resumes after it.

VAR=value: ARCH, CPUS, FORK, MEM, RISCV_MODE and OPTIONS narrow the matrix
(tests/matrix.py, narrow); TIMEOUT is the seconds one boot may take; any
other variable goes to every make the runner runs (TESTS=, EXTRA_TESTS=,
...). --repeat N runs it all N times, each run's logs apart, and lists
every test that ever failed. --boot boots once (the benchmarks): the
console to LOG, the exit status 0 when every result line said ok.

Writes build/test-logs/ (every boot's console), build/test-results.xml
(JUnit), build/test-matrix.md, and ends with the line "N passed, N
failed"; the exit status is 1 when anything failed. Standard library only.
"""
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import results  # noqa: E402

label = matrix.label
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = "build/test-logs"
TIMES = "build/test-times.json"
HOST_FORMATS = ("x86_64", "riscv", "riscv-sv48")  # the Makefile's
DEFAULT_TIMEOUT = 120
# Seconds a job takes, until the times file knows better: a user suite
# is the long one, the rest take a few seconds.
FIRST_GUESS = {"user": 15.0, "build": 10.0}
SLOWEST_SHOWN = 8

PLAN = re.compile(r"^1\.\.(\d+)$")
RUN = re.compile(r"^# run (\d+) (.+)$")
RESULT = re.compile(r"^(not )?ok (\d+) (.+?)(?: # (.*))?$")
BAIL = re.compile(r"^Bail out!\s*(.*)$")

# ---- Running commands -------------------------------------------------------

# Child processes alive now, each its own process group, killed when the
# runner stops early.
live = set()
live_lock = threading.Lock()


def child_env(drop):
    """The environment of the runner's children: without make's own
    variables, nor those in drop (the runner passes them explicitly)."""
    make_own = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    return {k: v for k, v in os.environ.items()
            if k not in drop and k not in make_own}


def spawn(argv, env, **kw):
    """Start argv in a process group of its own, noted in live."""
    p = subprocess.Popen(argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                         start_new_session=True, **kw)
    p.killed = False
    with live_lock:
        live.add(p)
    return p


def reap(p):
    """Wait for p and forget it. Return: its exit status."""
    status = p.wait()
    with live_lock:
        live.discard(p)
    return status


def kill(p):
    """End p's whole process group; note that it was killed."""
    p.killed = True
    try:
        os.killpg(p.pid, 9)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all():
    """End every child still running."""
    with live_lock:
        for p in list(live):
            kill(p)


def run_logged(argv, env, log, timeout):
    """Run argv with its output to log, killed after timeout seconds.
    Return: (exit status or None if it timed out, seconds)."""
    start = time.monotonic()
    with open(log, "wb") as out:
        p = spawn(argv, env, stdout=out, stderr=subprocess.STDOUT)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            kill(p)
        status = reap(p)
    return (None if p.killed else status), time.monotonic() - start


def last_line(path):
    """The last non-empty line of the file at path, or ""."""
    try:
        with open(path, errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return ""
    return lines[-1] if lines else ""


def free_port():
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- One boot ---------------------------------------------------------------


class Boot:
    """What one boot printed, as its result lines say: plan, results
    [(number, name, ok, reason, seconds)], the test running when it
    ended, a bail-out, QEMU's exit status (None: killed after the
    timeout) and its first line on stderr, the boot's seconds."""

    def __init__(self):
        self.plan = None
        self.results = []
        self.running = None  # (number, name, start time)
        self.bail = None
        self.status = None
        self.stderr = ""
        self.seconds = 0.0
        self.lines = 0

    def read(self, line, now):
        """Take one console line, read at time now."""
        self.lines += 1
        m = PLAN.match(line)
        if m and self.plan is None:
            self.plan = int(m.group(1))
            return
        # A test's own output may look like these lines: only the start
        # of a test when none runs counts, and only the result line of
        # the test running.
        m = RUN.match(line)
        if m and not self.running:
            self.running = (int(m.group(1)), m.group(2), now)
            return
        m = RESULT.match(line)
        if m and self.running and (int(m.group(2)), m.group(3)) == \
                self.running[:2]:
            number, name, started = self.running
            self.results.append((number, name, not m.group(1),
                                 m.group(4) or "", now - started))
            self.running = None
            return
        m = BAIL.match(line)
        if m and self.bail is None:
            self.bail = m.group(1)

    def last(self):
        """The number of the last test it started, or 0."""
        numbers = [r[0] for r in self.results]
        if self.running:
            numbers.append(self.running[0])
        return max(numbers, default=0)

    def why_dead(self, timeout, log):
        """One line: why the boot ended before its suite did."""
        if self.status is None:
            why = "hung: no exit within %d s" % timeout
            if self.running:
                why += " in %s" % self.running[1]
        elif self.bail:
            why = self.bail
        elif self.lines == 0 and self.stderr:
            why = self.stderr
        else:
            why = "QEMU exited with status %d" % self.status
            if self.stderr:
                why += ": " + self.stderr
        return "%s, log %s" % (why, log)


def boot(argv, log, timeout):
    """Run QEMU's argv, its console to log (without the CRs of the serial
    line), killed after timeout seconds. Return: the Boot it made."""
    b = Boot()
    start = time.monotonic()
    errpath = log + ".stderr"
    with open(log, "w", encoding="utf-8") as out, open(errpath, "wb") as err:
        p = spawn(argv, child_env(()), stdout=subprocess.PIPE, stderr=err)
        timer = threading.Timer(timeout, kill, (p,))
        timer.start()
        for raw in p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            out.write(line + "\n")
            b.read(line.replace("\r", ""), time.monotonic() - start)
        timer.cancel()
        status = reap(p)
    b.seconds = time.monotonic() - start
    b.status = None if p.killed else status
    with open(errpath, errors="replace") as f:
        text = f.read()
    b.stderr = next((l.strip() for l in text.splitlines() if l.strip()), "")
    if text:
        with open(log, "a", encoding="utf-8") as out:
            out.write("--- QEMU's stderr ---\n" + text)
    os.unlink(errpath)
    return b


# ---- Results ----------------------------------------------------------------


class Run:
    """One run of the matrix: its log folder and the results so far."""

    def __init__(self, logs, label=""):
        self.logs = logs
        self.label = label
        self.results = []
        self.lock = threading.Lock()
        self.boots = {}  # column label -> boots so far
        self.timed = []  # (seconds, what) of every boot

    def record(self, column, test, ok, secs, log, why="", number=0):
        """Note one result and print it."""
        with self.lock:
            self.results.append(results.Result(
                column, test, "pass" if ok else "FAIL", secs, log,
                why.replace("\n", " "), number))
            if ok:
                say("  PASS  %-24s %-30s %6.1fs" % (column, test, secs))
            else:
                say("  FAIL  %-24s %-30s %6.1fs  %s" % (column, test, secs,
                                                         why))

    def boot_number(self, column):
        """The next boot's number in column."""
        with self.lock:
            self.boots[column] = self.boots.get(column, 0) + 1
            return self.boots[column]

    def passed(self):
        """The results that passed so far."""
        return sum(r.status == "pass" for r in self.results)

    def failed(self):
        """The results that failed so far."""
        return len(self.results) - self.passed()


say_lock = threading.Lock()


def say(text):
    """Print one line whole, whichever thread prints."""
    with say_lock:
        print(text, flush=True)


# ---- What a column runs -----------------------------------------------------


class Setup:
    """What every job needs to know: the make variables for every make
    (passed), where builds go (BUILD= of the command line: a folder for
    each column's build directory), the timeout of a boot."""

    def __init__(self, passed, timeout):
        self.env = child_env(set(passed) | set(matrix.NARROWING) |
                             {"TIMEOUT", "BUILD", "QEMUEXTRA"})
        self.passed = dict(passed)
        self.build_root = self.passed.pop("BUILD", None)
        self.timeout = timeout


def build_dir(setup, column):
    """BUILD for column: the Makefile's own (build/ARCH[-eager]), unless
    its options set make variables (then build/ARCH[-eager]-OPTIONS) or
    the command line gave BUILD=ROOT (then ROOT/...). None: the
    Makefile's."""
    own = [o for o in column.options
           if set(matrix.OPTIONS[o].make) - set(matrix.BOOT_ONLY)]
    if not own and not setup.build_root:
        return None
    name = column.arch + ("-eager" if column.fork == "eager" else "")
    return os.path.join(setup.build_root or "build",
                        "-".join([name] + own))


def make_vars(setup, column, mem=None):
    """The make variables of column (at MEM mem, or its own)."""
    arch, mode = matrix.make_arch(column)
    v = {"ARCH": arch, "RISCV_MODE": mode, "FORK": column.fork,
         "CPUS": str(column.cpus), "MEM": mem or column.mem}
    extra = setup.passed.get("QEMUEXTRA", "")
    if column.cpus > 1:  # really in parallel: multi-threaded TCG
        extra = (extra + " -accel tcg,thread=multi").strip()
    if extra:
        v["QEMUEXTRA"] = extra
    if build_dir(setup, column):
        v["BUILD"] = build_dir(setup, column)
    for o in column.options:
        v.update(matrix.OPTIONS[o].make)
    for k, val in setup.passed.items():
        v.setdefault(k, val)
    return v


def make_argv(variables, *targets):
    """The argv of a quiet make of targets with variables."""
    return (["make", "-s", "--no-print-directory"] +
            ["%s=%s" % kv for kv in variables.items()] + list(targets))


def qemu_argv(setup, variables, cmdline):
    """QEMU's argv for a boot with make variables and kernel cmdline, as
    the Makefile defines it (make print-qemu)."""
    out = subprocess.run(make_argv(variables, "print-qemu"), cwd=ROOT,
                         env=setup.env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("make print-qemu: %s" % (
            out.stderr.strip().splitlines() or ["failed"])[-1])
    q = json.loads(out.stdout)
    return q["argv"] + [q["append_flag"], cmdline]


def slug(text):
    """text as part of a file name."""
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text.replace("cpus=", "cpus")
                  ).strip("-")


# ---- Jobs -------------------------------------------------------------------


class Job:
    """Something to run on weight cores once after (a job) is done: fn()
    returns the jobs that follow it. key names it in the times file."""

    def __init__(self, key, weight, fn, after=None, estimate=None):
        self.key = key
        self.weight = weight
        self.fn = fn
        self.after = after
        self.estimate = estimate
        self.done = False
        self.ok = True  # a build that failed stops what comes after it
        self.followers = []
        if after:
            after.followers.append(self)

    def ready(self):
        """May it start: is the job it comes after done?"""
        return self.after is None or self.after.done

    def priority(self):
        """Its time and the longest chain of jobs waiting for it."""
        return self.estimate + max((j.priority() for j in self.followers),
                                   default=0)


def host_jobs(run, setup):
    """The host column: make check's test binaries, make help, and the
    runner's own tests."""
    jobs = []
    for fmt in HOST_FORMATS:
        def fn(fmt=fmt):
            """Build and run the test binary of PTE format fmt."""
            log = os.path.join(run.logs, "host-%s.log" % fmt)
            binary = "build/host/mm_test-" + fmt
            cmd = "%s && %s" % (" ".join(make_argv({}, binary)), binary)
            status, secs = run_logged(["sh", "-c", cmd], setup.env, log,
                                      setup.timeout)
            run.record("host", "mm, %s PTE codec" % fmt, status == 0, secs,
                       log, "%s, log %s" % (last_line(log), log))
            return []
        jobs.append(Job("host %s" % fmt, 1, fn))

    def help_fn():
        """tests/check-help.sh: make help lists every knob and target."""
        log = os.path.join(run.logs, "help.log")
        status, secs = run_logged(["tests/check-help.sh"], setup.env, log,
                                  setup.timeout)
        run.record("host", "make help lists everything", status == 0, secs,
                   log, last_line(log))
        return []
    jobs.append(Job("host help", 1, help_fn))

    def runner_fn():
        """tests/run_test.py: this runner on made-up consoles."""
        log = os.path.join(run.logs, "runner.log")
        status, secs = run_logged([sys.executable, "tests/run_test.py"],
                                  setup.env, log, setup.timeout)
        run.record("host", "runner reads result lines", status == 0, secs,
                   log, "%s, log %s" % (last_line(log), log))
        return []
    jobs.append(Job("host runner", 1, runner_fn))
    return jobs


def build_job(run, setup, column):
    """Build column's kernel; a failure is its "build" row."""
    name = label(column)
    log = os.path.join(run.logs, "build-%s.log" % slug(name))
    job = None

    def fn():
        """make, for the column's build directory."""
        status, secs = run_logged(make_argv(make_vars(setup, column)),
                                  setup.env, log, 10 * setup.timeout)
        job.ok = status == 0
        run.record(name, "build", job.ok, secs, log, "see %s" % log)
        return []
    job = Job("build %s" % name, 1, fn)
    return job


def gdb_job(run, setup, column, build):
    """The gdb commands in a real session (tests/gdb/check.sh), two CPUs;
    skipped, not failed, when gdb-multiarch cannot be installed."""
    name = label(column)
    log = os.path.join(run.logs, "%s-gdb.log" % slug(name))

    def fn():
        """check.sh on a port of its own; its verdict is the row."""
        if not build.ok:
            return []
        v = make_vars(setup, column)
        del v["ARCH"], v["CPUS"], v["MEM"]
        v.pop("QEMUEXTRA", None)
        env = dict(setup.env, GDBPORT=str(free_port()), GDB_LOG=log)
        out = log + ".verdict"
        argv = ["tests/gdb/check.sh", matrix.make_arch(column)[0]] + \
            ["%s=%s" % kv for kv in v.items()]
        say("[%s] boot %d: the gdb commands (tests/gdb/check.sh, CPUS=2, "
            "port %s) ..." % (name, run.boot_number(name), env["GDBPORT"]))
        status, secs = run_logged(argv, env, out, setup.timeout)
        run.timed.append((secs, "[%s] the gdb commands" % name))
        verdict = last_line(out)
        if status == 77:
            say("  SKIP  %s" % verdict)
        else:
            run.record(name, "gdb: ps, regions, ptwalk", status == 0, secs,
                       log, verdict or "no exit within %d s" % setup.timeout)
        return []
    return Job("%s gdb" % name, min(2, cores()), fn, build)


class Suite:
    """One check of a column: a suite of tests over one or more boots,
    each resuming after the test that ended the one before."""

    def __init__(self, run, setup, column, check):
        self.run = run
        self.setup = setup
        self.column = column
        self.name = label(column)
        self.check = matrix.CHECKS[check]
        self.check_name = check
        self.plan = None
        self.results = 0  # tests with a result, across boots
        self.failures = []  # (name, reason)
        self.seconds = 0.0
        self.last_log = ""
        self.estimate = None  # of the whole suite, from the times file

    def words(self, start):
        """The kernel command line of the boot from test start on."""
        words = [self.check.words] + ["start=%d" % start] * (start > 0)
        for o in self.column.options:
            words += matrix.OPTIONS[o].words
        return " ".join(words)

    def job(self, build, start=0, estimate=None):
        """The job of the boot from test start on."""
        def fn():
            """The boot, unless the build failed."""
            if not build.ok:
                return []
            if self.estimate is None:
                self.estimate = job.estimate
            return self.boot_from(build, start)
        job = Job("%s %s" % (self.name, self.check_name),
                  min(self.column.cpus, cores()), fn, build, estimate)
        return job

    def boot_from(self, build, start):
        """Boot the suite from test start on; record what it says.
        Return: the job of the next boot, if the suite must resume."""
        mem = self.check.mem or self.column.mem
        cmdline = self.words(start)
        what = self.check.what + (" from start=%d" % start
                                  if self.check_name == "user" else "")
        log = os.path.join(self.run.logs, "%s-%s-from-%d.log" % (
            slug(self.name), self.check_name, start))
        say("[%s] boot %d: %s (MEM=%s, '%s') ..." % (
            self.name, self.run.boot_number(self.name), what, mem, cmdline))
        try:
            argv = qemu_argv(self.setup, make_vars(self.setup, self.column,
                                                   mem), cmdline)
        except RuntimeError as e:
            self.record_boot(str(e), 0.0, log)
            return []
        b = boot(argv, log, self.setup.timeout)
        self.run.timed.append((b.seconds, "[%s] %s" % (self.name, what)))
        self.seconds += b.seconds
        self.last_log = log
        return self.judge(b, build, start, log)

    def judge(self, b, build, start, log):
        """Record boot b's results; a death fails the test running, or the
        boot when none was. Return: the job that resumes the suite after
        the last test b started, when the plan lists more."""
        if self.plan is None:
            self.plan = b.plan
        for number, name, ok, reason, secs in b.results:
            self.result(number, name, ok, reason, secs, log)
        last, plan = b.last(), b.plan
        why = b.why_dead(self.setup.timeout, log)
        if b.running:
            number, name, started = b.running
            self.result(number, name, False, why, b.seconds - started, log)
        elif plan is None or (last <= start and last < plan):
            self.record_boot(why, b.seconds, log)  # no progress at all
            return self.finish()
        elif b.status is None or (b.status != 0 and
                                  all(r[2] for r in b.results)):
            self.record_boot(why, b.seconds, log)
        if last < plan:
            left = max(1.0, self.estimate - self.seconds)
            return [self.job(build, last, left)]
        return self.finish()

    def result(self, number, name, ok, reason, secs, log):
        """One test's result: a row of its own, or part of the check's."""
        self.results += 1
        if reason.startswith("SKIP"):
            say("  SKIP  %-24s %s%s: %s" % (self.name, self.check.prefix or
                                            "", name, reason))
            return
        if not ok:
            self.failures.append((name, reason))
        if self.check.prefix is not None:
            self.run.record(self.name, self.check.prefix + name, ok, secs,
                            log, reason, number)

    def record_boot(self, why, secs, log):
        """A boot that went wrong outside any test."""
        if self.check.prefix is not None:
            self.run.record(self.name, "%s(boot)" % (
                self.check.prefix or self.check_name + " "), False, secs,
                log, why)
        else:
            self.failures.append(("boot", why))

    def finish(self):
        """The suite is over: its one row, or the completeness row."""
        if self.check.row:
            why = "; ".join("%s: %s" % f for f in self.failures[:1])
            self.run.record(self.name, self.check.row, not self.failures,
                            self.seconds, self.last_log, why)
        if self.check.complete:
            self.run.record(
                self.name, self.check.complete,
                self.plan is not None and self.results == self.plan, 0.0,
                self.last_log, "%d results for %s tests listed" % (
                    self.results, "?" if self.plan is None else self.plan))
        return []


def column_jobs(run, setup, columns):
    """Every job of columns: a build per build directory, then the boots
    of each column's checks after it."""
    builds = {}
    jobs = []
    for column in columns:
        v = make_vars(setup, column)
        key = (v["ARCH"], v["RISCV_MODE"], v["FORK"], v.get("BUILD"))
        if key not in builds:
            builds[key] = build_job(run, setup, column)
            jobs.append(builds[key])
        build = builds[key]
        for check in column.checks:
            if check == "gdb":
                jobs.append(gdb_job(run, setup, column, build))
            else:
                jobs.append(Suite(run, setup, column, check).job(build))
    return jobs


# ---- Scheduling -------------------------------------------------------------


def cores():
    """The cores the boots may fill."""
    return os.cpu_count() or 1


def shadow_time(running, need, free, now):
    """When need cores will be free, as the running jobs' estimates go."""
    for end, weight in sorted((max(end, now), w) for end, w in
                              running.values()):
        free += weight
        if free >= need:
            return end
    return now


def startable(ready, free, running, now):
    """Of the ready jobs (best first), those to start now on free cores:
    each that fits, in order; after the first that does not, only those
    that end before it could start anyway (shadow_time)."""
    chosen, shadow = [], None
    for j in ready:
        if j.weight > free:
            if shadow is None:
                shadow = shadow_time(running, j.weight, free, now)
        elif shadow is None or now + j.estimate <= shadow:
            chosen.append(j)
            free -= j.weight
    return chosen


def first_guess(key):
    """A job's seconds before any run measured it."""
    return next((t for w, t in FIRST_GUESS.items() if w in key.split()), 3.0)


def schedule(jobs, times, salt=""):
    """Run jobs, and the jobs they return, on the machine's cores, the
    longest chains first (startable). times holds each job key's seconds
    of the last run (the estimates), and gets this run's, under the key
    and salt (the make variables: TESTS= changes the times).
    Return: [(job key, error)] for each job that broke (a runner bug)."""
    pending, running, spent, errors = list(jobs), {}, {}, []
    for j in pending:
        j.estimate = times.get(j.key + salt, first_guess(j.key))
    finished = queue.Queue()
    free = cores()

    def work(job):
        """Run job in a thread of its own; hand back what follows it."""
        start = time.monotonic()
        try:
            follow = job.fn()
        except Exception as e:  # a runner bug must not hang the run
            errors.append((job.key, repr(e)))
            follow = []
        finished.put((job, follow, time.monotonic() - start))

    while pending or running:
        now = time.monotonic()
        ready = sorted((j for j in pending if j.ready()),
                       key=lambda j: -j.priority())
        for j in startable(ready, free, running, now):
            pending.remove(j)
            running[j] = (now + j.estimate, j.weight)
            free -= j.weight
            threading.Thread(target=work, args=(j,), daemon=True).start()
        job, follow, secs = finished.get()
        free += running.pop(job)[1]
        job.done = True
        spent[job.key + salt] = spent.get(job.key + salt, 0.0) + secs
        pending += follow
    times.update(spent)
    return errors


# ---- Reports ----------------------------------------------------------------


def load_times():
    """Each job's seconds in the last run (TIMES), for the estimates."""
    try:
        with open(os.path.join(ROOT, TIMES)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_times(times):
    """Keep times for the next run."""
    try:
        with open(os.path.join(ROOT, TIMES), "w") as f:
            json.dump(times, f, indent=1, sort_keys=True)
    except OSError:
        pass


def report(run, xml, md, show):
    """Write the run's JUnit XML and table; print the table if show."""
    table = results.write(run.results, xml, md)
    if show:
        print()
        print(table, end="")
    print("(JUnit XML: %s, the table: %s)" % (xml, md))
    slow = sorted(run.timed, reverse=True)[:SLOWEST_SHOWN]
    if slow:
        print("slowest boots: " + "; ".join("%.1fs %s" % s for s in slow))


def parse_args(argv):
    """Split argv into (VAR=value dict, options dict)."""
    knobs, opts = {}, {"repeat": 1, "table": "test"}
    it = iter(argv)
    for a in it:
        if a in ("--repeat", "--table", "--boot", "--cmdline"):
            opts[a[2:]] = next(it, None)
        elif "=" in a and not a.startswith("-"):
            k, _, v = a.partition("=")
            knobs[k] = v
        else:
            sys.exit(__doc__)
    opts["repeat"] = int(opts["repeat"])
    return knobs, opts


def main(argv):
    """Run what argv asks for. Return: the exit status."""
    knobs, opts = parse_args(argv)
    os.chdir(ROOT)
    timeout = int(knobs.pop("TIMEOUT", DEFAULT_TIMEOUT))
    narrowing = {k: knobs.pop(k) for k in matrix.NARROWING if k in knobs}
    setup = Setup(knobs, timeout)
    if opts.get("boot"):
        return boot_once(setup, narrowing, opts)
    columns = matrix.narrow(matrix.TABLES[opts["table"]], narrowing)
    return run_matrix(setup, columns, opts)


def run_matrix(setup, columns, opts):
    """Run the columns (and the host rows, for make test) opts["repeat"]
    times. Return: the exit status."""
    n = opts["repeat"]
    if not tools_present(setup, columns, opts["table"] == "test"):
        return 1
    shutil.rmtree(LOGS, ignore_errors=True)
    times = load_times()
    runs = [run_once(setup, columns, opts["table"] == "test", times, i, n)
            for i in range(1, n + 1)]
    if n > 1:
        flakes(runs)
    passed = sum(r.passed() for r in runs)
    failed = sum(r.failed() for r in runs)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run_once(setup, columns, host, times, i, n):
    """Run i of n: every job, then its reports (in build/, or beside its
    logs in build/test-logs/run-I when there are several).
    Return: its Run."""
    logs = LOGS if n == 1 else os.path.join(LOGS, "run-%d" % i)
    os.makedirs(logs, exist_ok=True)
    run = Run(logs, "run %d of %d" % (i, n) if n > 1 else "")
    if n > 1:
        say("== %s" % run.label)
    jobs = (host_jobs(run, setup) if host else []) + \
        column_jobs(run, setup, columns)
    start = time.monotonic()
    for key, error in schedule(jobs, times, "".join(
            " %s=%s" % kv for kv in sorted(setup.passed.items()))):
        run.record("runner", key, False, 0.0, "", "runner error: " + error)
    save_times(times)
    where = logs if n > 1 else "build"
    report(run, os.path.join(where, "test-results.xml"),
           os.path.join(where, "test-matrix.md"), n == 1)
    say("%s%d passed, %d failed in %.0f s" % (
        run.label + ": " if run.label else "", run.passed(), run.failed(),
        time.monotonic() - start))
    return run


def tools_present(setup, columns, host):
    """Check (and install, as root) the tools of the arches of columns
    and of the host tests, once before anything runs in parallel; gdb's
    may be missing (its checks are skipped then)."""
    needs = sorted({matrix.make_arch(c)[0] for c in columns})
    needs += ["check"] * host
    if subprocess.run(["tests/deps.sh"] + needs, cwd=ROOT,
                      env=setup.env).returncode != 0:
        return False
    if any("gdb" in c.checks for c in columns):
        subprocess.run(["tests/deps.sh", "gdb"], cwd=ROOT, env=setup.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def flakes(runs):
    """Every test that failed in some run: the runs, and the logs."""
    seen = {}
    for i, run in enumerate(runs, 1):
        for r in run.results:
            if r.status != "pass":
                seen.setdefault((r.column, r.test), []).append((i, r))
    print()
    if not seen:
        print("no test failed in any of the %d runs" % len(runs))
        return
    print("failed in some of the %d runs:" % len(runs))
    for (column, test), fails in seen.items():
        print("  %s / %s: runs %s" % (column, test,
                                      ", ".join(str(i) for i, _ in fails)))
        for i, r in fails:
            where = "" if r.log in r.why else " (log %s)" % r.log
            print("      run %d: %s%s" % (i, r.why, where))


def boot_once(setup, narrowing, opts):
    """--boot LOG: one boot of the one column knobs describe; status 0
    when every result line said ok and the plan was complete."""
    column = matrix.Column(
        narrowing.get("ARCH", "x86_64") +
        ("-sv48" if narrowing.get("RISCV_MODE") == "sv48" else ""),
        int(narrowing.get("CPUS", "1")), narrowing.get("FORK", "cow"),
        narrowing.get("MEM", "256M"), (), ())
    root, setup.build_root = setup.build_root, None
    v = make_vars(setup, column)
    if root:  # for one boot, BUILD= is the build directory itself
        v["BUILD"] = root
    log = opts["boot"]
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    if subprocess.run(make_argv(v), cwd=ROOT, env=setup.env).returncode:
        return 1
    argv = qemu_argv(setup, v, opts.get("cmdline") or "")
    say("[%s] boot: '%s' (log %s) ..." % (label(column), opts.get("cmdline"),
                                          log))
    b = boot(argv, log, setup.timeout)
    bad = [r for r in b.results if not r[2]]
    if b.running or b.status is None or b.bail or b.plan is None or \
            len(b.results) < b.plan or bad:
        why = ("%s: %s" % bad[0][1:4:2]) if bad else \
            b.why_dead(setup.timeout, log)
        say("boot failed: %s" % why)
        return 1
    return 0


def stop(signum, frame):
    """SIGTERM or SIGHUP: end as Ctrl-C would, every child with us."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        kill_all()
