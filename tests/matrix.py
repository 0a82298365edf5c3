"""The test matrix of `make test`, in one place (tests/run.py runs it).

A column is an arch (x86_64, riscv, or riscv-sv48: RISC-V with Sv48
paging) x CPUS x FORK x MEM x options, and the checks it runs. An option
is a set of extra make variables (which give the column a build of its
own) and extra kernel command-line words. Adding a column is one line of
COLUMNS; a new knob to test in a column is one line of OPTIONS first.

A check is what a column boots (CHECKS), or the gdb session ("gdb"). Its
kernel command line starts a suite that prints result lines
(docs/testing.md); its rows are the result lines' names after a prefix,
or one row for the whole check when it has a name of its own.
"""
from collections import namedtuple

# make: {VAR: value} for every make of the column; words: kernel
# command-line words for every boot of it.
Option = namedtuple("Option", "make words")

OPTIONS = {
    # Every user page fault gives up its CPU before it is resolved, holding
    # its address space's lock, as a fault waiting for a disk will.
    "fault_sleep": Option({}, ("fault_sleep=1",)),
    # The kernel with UBSan and stack canaries: any report panics.
    "sanitize": Option({"SANITIZE": "1"}, ()),
    # Users' tests of 4 MiB (tests/extra-big: four programs of 1 MiB of
    # data each) beside the base initrd, with fork_chain's 35 processes.
    "big_initrd": Option({"EXTRA_TESTS": "tests/extra-big",
                          "TESTS": "big_*|fork_chain"}, ()),
    # The initrd's other way in, where its frames stay as the files' data:
    # x86_64 without fw_cfg's DMA (nothing to read it again from), RISC-V
    # through plain -initrd (/chosen linux,initrd-start/end).
    "initrd_kept": Option({"QEMUEXTRA": "-global fw_cfg_io.dma_enabled=off"},
                          ()),
    "plain_initrd": Option({"QEMU_MODULES": "-initrd $(USER_INITRD)"}, ()),
    # Each frame allocation and kmalloc fails with probability 1/50 from
    # the first user process on; init then judges a test by whether it
    # ended and leaked nothing (docs/testing.md, "Injected failures").
    "failinject": Option({}, ("failinject=alloc:seed=1,p=1/50",)),
}

# Make variables that change how a column boots, not what it builds: an
# option with only these shares the column's build directory.
BOOT_ONLY = ("QEMUEXTRA", "QEMU_MODULES")

# what: for the progress line; words: the kernel command line; mem: the
# check's own MEM (None: the column's); prefix: a row per result line,
# named prefix + its name; row: instead, one row for the whole check;
# complete: a row that passes when every test the plan listed got a
# result, across the boots of a suite that had to resume.
Check = namedtuple("Check", "what words mem prefix row complete")

CHECKS = {
    "selftest": Check("the boot self-tests", "selftest", None, "selftest ",
                      None, None),
    "faults": Check("the deliberate kernel faults", "selftest=faults",
                    None, "", None, None),
    "mem8": Check("every frame at MEM=8M",
                  "selftest=pmem,memory expect_mem=8M", "8M", None,
                  "boot MEM=8M", None),
    "mem2048": Check("every frame at MEM=2048M",
                     "selftest=pmem,memory expect_mem=2048M", "2048M", None,
                     "boot MEM=2048M", None),
    "sanitizers": Check("the sanitizers' deliberate faults",
                        "selftest=sanitizers", None, "", None, None),
    "user": Check("user suite", "runtests", None, "user ", None,
                  "user suite complete"),
    "fork_chain": Check("fork_chain at MEM=8M", "runtests test=fork_chain",
                        "8M", None, "fork_chain at MEM=8M", None),
    # The storm's time is bounded by the runner's TIMEOUT (make soak-storm
    # scales it with STORM_CALLS), not by init's watchdog.
    "storm": Check("the fuzz storm", "runtests test=fuzz_storm timeout=86400",
                   None, "user ", None, None),
}

Column = namedtuple("Column", "arch cpus fork mem options checks")

EVERY = ("selftest", "gdb", "faults", "mem8", "mem2048", "user",
         "fork_chain")
SMP = ("selftest", "user")
USER = ("user",)

# The columns of make test. Sv48 gets what differs with the depth of the
# tree beside the Sv39 columns; RISCV_MODE=sv48 gives it every column.
COLUMNS = [
    Column("x86_64", 1, "cow", "256M", (), EVERY),
    Column("riscv", 1, "cow", "256M", (), EVERY),
    Column("x86_64", 2, "cow", "256M", (), SMP),
    Column("riscv", 2, "cow", "256M", (), SMP),
    Column("x86_64", 1, "cow", "256M", ("fault_sleep",), USER),
    Column("x86_64", 2, "cow", "256M", ("fault_sleep",), USER),
    Column("riscv", 1, "cow", "256M", ("fault_sleep",), USER),
    Column("riscv", 2, "cow", "256M", ("fault_sleep",), USER),
    Column("x86_64", 1, "cow", "256M", ("failinject",), USER),
    Column("x86_64", 2, "cow", "256M", ("failinject",), USER),
    Column("riscv", 1, "cow", "256M", ("failinject",), USER),
    Column("riscv", 2, "cow", "256M", ("failinject",), USER),
    Column("x86_64", 1, "eager", "256M", (), USER),
    Column("riscv-sv48", 1, "cow", "256M", (), ("gdb", "mem2048", "user")),
    Column("riscv-sv48", 2, "cow", "256M", (), ("selftest",)),
    Column("x86_64", 1, "cow", "256M", ("sanitize",),
           ("sanitizers", "selftest", "user")),
    Column("riscv", 1, "cow", "256M", ("sanitize",),
           ("sanitizers", "selftest", "user")),
    Column("x86_64", 1, "cow", "8M", ("big_initrd",), ("mem8", "user")),
    Column("riscv", 1, "cow", "8M", ("big_initrd",), ("mem8", "user")),
    Column("x86_64", 1, "cow", "8M", ("initrd_kept",), ("fork_chain",)),
    Column("riscv", 1, "cow", "8M", ("plain_initrd",), ("fork_chain",)),
]

# make soak-smp: the concurrency tests (TESTS=, from the Makefile) at the
# CPUS of the command line, SOAK_ROUNDS times.
SOAK = [
    Column("x86_64", 2, "cow", "256M", (), USER),
    Column("riscv", 2, "cow", "256M", (), USER),
]

# make soak-storm: four fuzzers at once among kills and forks
# (tests/soak/fuzz_storm.c), on CPUs really in parallel.
STORM = [
    Column("x86_64", 4, "cow", "256M", (), ("storm",)),
    Column("riscv", 4, "cow", "256M", (), ("storm",)),
]

TABLES = {"test": COLUMNS, "soak": SOAK, "storm": STORM}

# The knobs that pick columns (narrow), as make spells them.
NARROWING = ("ARCH", "CPUS", "FORK", "MEM", "RISCV_MODE", "OPTIONS")


def make_arch(column):
    """The ARCH and RISCV_MODE of column, for make."""
    if column.arch == "riscv-sv48":
        return "riscv", "sv48"
    return column.arch, "sv39"


def label(column):
    """The column's name in the results: "riscv cpus=2 fault_sleep"."""
    words = ["%s cpus=%d" % (column.arch, column.cpus)]
    if column.fork != "cow":
        words.append(column.fork)
    if column.mem != "256M":
        words.append("mem=" + column.mem)
    return " ".join(words + list(column.options))


def merged(columns):
    """columns with those of the same label made one, their checks
    joined in order."""
    out = {}
    for c in columns:
        key = label(c)
        if key in out:
            checks = out[key].checks + tuple(
                k for k in c.checks if k not in out[key].checks)
            c = out[key]._replace(checks=checks)
        out[key] = c
    return list(out.values())


def with_mode(columns, mode):
    """RISCV_MODE=mode: sv48 turns every RISC-V column into Sv48, sv39
    drops the Sv48 ones."""
    if mode == "sv39":
        return [c for c in columns if c.arch != "riscv-sv48"]
    return merged([c._replace(arch="riscv-sv48") if c.arch == "riscv" else c
                   for c in columns])


def plain(columns, knobs):
    """Of columns, those of the machine the knobs describe and no more:
    without options unless OPTIONS= names them, in Sv39 unless
    RISCV_MODE= says otherwise."""
    options = tuple(knobs.get("OPTIONS", "").replace(",", " ").split())
    if "RISCV_MODE" not in knobs:
        columns = [c for c in columns if c.arch != "riscv-sv48"]
    return [c for c in columns if c.options == options]


def narrow(columns, knobs):
    """The columns that knobs (NARROWING names from the command line)
    select. ARCH alone keeps that arch's columns, OPTIONS= (a list) those
    with exactly these options; CPUS= and FORK= pick a machine: the
    columns that have those values and no option (OPTIONS= aside) nor
    Sv48 (RISCV_MODE= aside). When none has them, the columns of the arch
    take them instead (make test CPUS=4: each arch at 4 CPUs). MEM= is
    every column's MEM (a check with a MEM of its own keeps it)."""
    if "RISCV_MODE" in knobs:
        columns = with_mode(columns, knobs["RISCV_MODE"])
    if "ARCH" in knobs:
        columns = [c for c in columns if make_arch(c)[0] == knobs["ARCH"]]
    want = {}
    if "CPUS" in knobs:
        want["cpus"] = int(knobs["CPUS"])
    if "FORK" in knobs:
        want["fork"] = knobs["FORK"]
    if want or "OPTIONS" in knobs:
        columns = plain(columns, knobs)
    chosen = [c for c in columns
              if all(getattr(c, k) == v for k, v in want.items())]
    if not chosen:
        chosen = merged([c._replace(**want) for c in columns])
    if "MEM" in knobs:
        chosen = merged([c._replace(mem=knobs["MEM"]) for c in chosen])
    return chosen
