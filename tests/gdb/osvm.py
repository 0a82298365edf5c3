"""gdb commands for osvm: page tables, processes, address spaces.

`make gdb` loads this file with -x (no auto-load setting needed). It adds:

    ptwalk ADDR [ROOT]   walk a page table (the selected CPU's by default)
    ps                   every process: pid, state, CPU, page-table root
    regions PID [pages]  the memregions of PID, a picture of their pages
    cpus                 each CPU: its process, its root, its gdb thread
    usym [PROG]          load a user program's symbols
    $curproc(), $pid()   the selected CPU's struct proc *, its pid

The format (x86_64 4-level, RISC-V Sv39/Sv48) comes from gdb's architecture
and, on RISC-V, from the mode field of satp. Page tables are read through
the kernel's direct map (kmap_offset + physical address). docs/debugging.md
shows sessions on both machines.
"""
import os
import struct

import gdb

M64 = (1 << 64) - 1
PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
INDEX_BITS = 9
# Neutral permissions of a memregion (arch/include/arch/perm.h).
PERM_R, PERM_W, PERM_X = 0x1, 0x2, 0x4


# ---- Page-table formats ----------------------------------------------------


class X86Format:
    """x86_64 4-level paging (arch/x86_64/include/arch/mmu.h)."""

    name = "x86_64 4-level"
    levels = 4
    level_names = ["PT", "PD", "PDPT", "PML4"]
    P, W, U, PS, COW, NX = 1 << 0, 1 << 1, 1 << 2, 1 << 7, 1 << 9, 1 << 63
    ADDR = 0x000FFFFFFFFFF000
    FLAGS = [(0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"), (5, "A"),
             (6, "D"), (7, "PS"), (8, "G"), (9, "COW"), (63, "NX")]

    def valid(self, pte):
        """Is pte present?"""
        return pte & self.P != 0

    def leaf(self, pte, level):
        """Does valid pte at level (0 = last) map a page (a large one above
        level 0) rather than point to a table?"""
        return level == 0 or pte & self.PS != 0

    def addr(self, pte):
        """The physical address in pte: a table's or a page's."""
        return pte & self.ADDR

    def flags(self, pte, level):
        """The names of pte's set bits (bit 7 is PAT, not PS, in a PT)."""
        names = [n for b, n in self.FLAGS if pte >> b & 1]
        return ["PAT" if n == "PS" and level == 0 else n for n in names]

    def access(self, ptes):
        """(writable, user, executable, cow) of a walk's entries, root
        first: W and U must be set at every level, NX at none."""
        w = all(p & self.W for p in ptes)
        u = all(p & self.U for p in ptes)
        x = not any(p & self.NX for p in ptes)
        return w, u, x, ptes[-1] & self.COW != 0


class RiscvFormat:
    """RISC-V Sv39 (or Sv48) paging (arch/riscv/include/arch/mmu.h)."""

    V, R, W, X, U, COW = 1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 8
    FLAGS = [(0, "V"), (1, "R"), (2, "W"), (3, "X"), (4, "U"), (5, "G"),
             (6, "A"), (7, "D"), (8, "COW")]

    def __init__(self, levels):
        self.levels = levels
        self.name = "Sv%d" % (PAGE_SHIFT + INDEX_BITS * levels)
        self.level_names = ["L%d" % i for i in range(levels)]

    def valid(self, pte):
        """Is pte valid?"""
        return pte & self.V != 0

    def leaf(self, pte, level):
        """Does valid pte at level (0 = last) map a page? Above level 0 it
        does when R, W or X is set."""
        return level == 0 or pte & (self.R | self.W | self.X) != 0

    def addr(self, pte):
        """The physical address in pte's PPN field (bits 53..10)."""
        return (pte >> 10 & ((1 << 44) - 1)) << PAGE_SHIFT

    def flags(self, pte, level):
        """The names of pte's set bits."""
        return [n for b, n in self.FLAGS if pte >> b & 1]

    def access(self, ptes):
        """(writable, user, executable, cow) of a walk's leaf."""
        leaf = ptes[-1]
        return (leaf & self.W != 0, leaf & self.U != 0, leaf & self.X != 0,
                leaf & self.COW != 0)


def is_riscv():
    """Is the machine gdb debugs RISC-V (else x86_64)?"""
    return gdb.selected_inferior().architecture().name().startswith("riscv")


def register(name):
    """Register name of the selected thread's CPU (as it is now, whatever
    frame is selected), as an unsigned integer."""
    try:
        return int(gdb.newest_frame().read_register(name)) & M64
    except gdb.error as e:
        raise gdb.GdbError("cannot read $%s (%s): is gdb attached to "
                           "make qemu-gdb?" % (name, e))


class KernelView:
    """A context in which the kernel's memory is readable. QEMU's gdb stub
    reads memory with the privilege of the hart as it is now, and a RISC-V
    hart stopped in user mode cannot read kernel pages: for the duration of
    a command, the selected hart's (virtual) priv register says S-mode,
    then user mode again. Nothing to do on x86_64, whose stub reads any
    page."""

    def __enter__(self):
        self.level = None
        if is_riscv() and register("priv") == 0:
            self.level = gdb.selected_frame().level()
            gdb.execute("select-frame 0")
            gdb.execute("set $priv = 1")
        return self

    def __exit__(self, *exc):
        if self.level is not None:
            gdb.execute("set $priv = 0")
            gdb.execute("select-frame %d" % self.level)


# satp's MODE field (bits 63..60) -> levels: 8 Sv39, 9 Sv48, 10 Sv57.
SATP_LEVELS = {8: 3, 9: 4, 10: 5}


def current_mmu():
    """(format, root) of the page table loaded on the selected CPU: CR3 on
    x86_64, satp on RISC-V."""
    if not is_riscv():
        return X86Format(), register("cr3") & X86Format.ADDR
    satp = register("satp")
    if satp >> 60 not in SATP_LEVELS:
        raise gdb.GdbError("satp is %#x: paging is off" % satp)
    root = (satp & ((1 << 44) - 1)) << PAGE_SHIFT
    return RiscvFormat(SATP_LEVELS[satp >> 60]), root


def user_top(fmt):
    """The end of user space: the lower half of the virtual addresses
    (USER_TOP in arch/*/include/arch/mmu.h)."""
    return 1 << (PAGE_SHIFT + INDEX_BITS * fmt.levels - 1)


def canonical(fmt, va):
    """Is va sign-extended from the format's top virtual-address bit?"""
    top = va >> (PAGE_SHIFT + INDEX_BITS * fmt.levels - 1)
    return top == 0 or top == M64 >> (PAGE_SHIFT + INDEX_BITS * fmt.levels - 1)


def size_text(size):
    """"4 KiB", "2 MiB" or "1 GiB" for a page size."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return "%d %s" % (size >> shift, unit)
    return "%d B" % size


# ---- Physical memory through the direct map ----------------------------------


class PhysMem:
    """Page-table pages read through the kernel's direct map, at
    kmap_offset + physical address, each 4 KiB table read once per
    command."""

    def __init__(self):
        self.offset = int(gdb.parse_and_eval("kmap_offset")) & M64
        if self.offset == 0:
            raise gdb.GdbError("kmap_offset is 0: the kernel has not set up "
                               "its direct map yet")
        self.tables = {}

    def table(self, pa):
        """The 512 entries of the table at physical address pa."""
        if pa not in self.tables:
            try:
                raw = gdb.selected_inferior().read_memory(
                    self.offset + pa, PAGE_SIZE)
            except gdb.MemoryError:
                raise gdb.GdbError("cannot read the table at physical %#x "
                                   "through the direct map" % pa)
            self.tables[pa] = struct.unpack("<512Q", bytes(raw))
        return self.tables[pa]


def walk(fmt, mem, root, va):
    """Walk the tree at physical root for va. Return (steps, pa, size):
    steps is a list of (level, index, table, pte) from the root down; pa
    and size are the physical address of va and the size of its page, or
    None, None when the walk stops at an invalid entry."""
    steps, table = [], root
    for level in range(fmt.levels - 1, -1, -1):
        index = va >> (PAGE_SHIFT + INDEX_BITS * level) & (1 << INDEX_BITS) - 1
        pte = mem.table(table)[index]
        steps.append((level, index, table, pte))
        if not fmt.valid(pte):
            return steps, None, None
        if fmt.leaf(pte, level):
            size = 1 << (PAGE_SHIFT + INDEX_BITS * level)
            return steps, (fmt.addr(pte) & ~(size - 1)) | (va & size - 1), size
        table = fmt.addr(pte)
    raise AssertionError("walk: the last level is always a leaf")


def access_text(fmt, ptes):
    """"user r-x cow"-style words for a walk that reached a page."""
    w, u, x, cow = fmt.access(ptes)
    return "%s r%s%s%s" % ("user" if u else "kernel", "w" if w else "-",
                           "x" if x else "-", " COW" if cow else "")


def page_state(fmt, ptes):
    """The picture letter of a present page (meminfo's): r read-only,
    w writable, c copy-on-write."""
    w, _, _, cow = fmt.access(ptes)
    return "c" if cow else "w" if w else "r"


# ---- Kernel data: processes and CPUs -----------------------------------------


def static(name):
    """The value of the kernel's variable name (static or global)."""
    sym = gdb.lookup_static_symbol(name) or gdb.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("no symbol %s: load the kernel with "
                           "file build/ARCH/kernel.elf" % name)
    return sym.value()


def cpu_records():
    """The online entries of cpus[], read now: (index, record) pairs whose
    record is a dict of address (of its struct cpu, lib/cpu.h), root (of
    the pmap it has loaded, mm/vpmap.c), proc and ticks (its struct
    sched_cpu, kernel/proc.h) and idle."""
    cpus, sched = static("cpus"), static("sched_cpus")
    loaded = static("loaded_pmap")
    first, last = cpus.type.range()
    return [(i, {"address": int(cpus[i].address),
                 "root": pmap_root(loaded[i]),
                 "proc": sched[i]["proc"], "ticks": int(sched[i]["ticks"]),
                 "idle": bool(cpus[i]["idle"])})
            for i in range(first, last + 1) if bool(cpus[i]["online"])]


def pmap_root(pmap):
    """The physical root of a struct pmap * (0 for NULL)."""
    return int(pmap["root"]) if int(pmap) != 0 else 0


def state_name(p):
    """"running" for PROC_RUNNING, and so on."""
    return str(p["state"]).replace("PROC_", "").lower()


# At most this many processes: a list caught mid-update may loop.
PROC_MAX = 4096


def processes():
    """Every process: the live list (kernel/proc.c), then the zombies among
    the children of the live ones (a zombie is on no other list)."""
    procs, p = [], static("live_list")
    while int(p) != 0 and len(procs) < PROC_MAX:
        procs.append(p)
        p = p["live_next"]
    for parent in list(procs):
        c = parent["children"]
        while int(c) != 0 and len(procs) < PROC_MAX:
            if state_name(c) == "zombie":
                procs.append(c)
            c = c["sibling"]
    return procs


def find_process(pid):
    """The struct proc * of process pid (an error when there is none)."""
    for p in processes():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError("no process %d (ps lists them)" % pid)


def proc_name(p):
    """The name of process p, a Python string."""
    return p["name"].string()


def proc_root(p):
    """The physical page-table root of process p, or None (a zombie)."""
    return int(p["as"]["pmap"]["root"]) if int(p["as"]) != 0 else None


def running_cpu(p, records):
    """The index of the CPU of records (cpu_records) that runs process p,
    or None."""
    for i, c in records:
        if int(c["proc"]) == int(p):
            return i
    return None


def selected_cpu(records):
    """The index of the CPU of records (cpu_records) that gdb's selected
    thread is, or None; from registers alone. In the kernel tp (RISC-V) or
    gs_base (x86_64) points at its struct cpu, in user mode k_gs_base does
    on x86_64; else it is the CPU that has the thread's page table
    loaded."""
    regs = ["tp"] if is_riscv() else ["gs_base", "k_gs_base"]
    for reg in regs:
        value = register(reg)
        for i, c in records:
            if c["address"] == value:
                return i
    _, root = current_mmu()
    for i, c in records:
        if c["root"] == root:
            return i
    return None


def current_proc():
    """The struct proc * the selected CPU runs (NULL when none)."""
    records = cpu_records()
    cpu = selected_cpu(records)
    if cpu is None:
        raise gdb.GdbError("cannot tell which CPU thread %d is"
                           % gdb.selected_thread().num)
    return dict(records)[cpu]["proc"]


# ---- Commands ----------------------------------------------------------------


class KernelCommand(gdb.Command):
    """A command that reads the kernel's memory: its run(arg) runs inside
    a KernelView."""

    def invoke(self, arg, from_tty):
        with KernelView():
            self.run(arg.strip())


def number(expr):
    """The value of gdb expression expr as an unsigned 64-bit integer."""
    return int(gdb.parse_and_eval(expr)) & M64


def one_or_two(arg):
    """Expressions "A" or "A B" as (A, B or None): arg whole when it parses
    as one expression ("p->kstack - 1"), else split at its last blank."""
    try:
        gdb.parse_and_eval(arg)
        return arg, None
    except gdb.error:
        if " " not in arg:
            raise
        first, second = arg.rsplit(None, 1)
        return first, second


class Ptwalk(KernelCommand):
    """Walk a page table for a virtual address: ptwalk ADDR [ROOT]

ADDR and ROOT are expressions (ptwalk $pc, ptwalk &kmain, ptwalk 0x400000).
ROOT is the physical address of a root table (ps and cpus print them); the
default is the selected CPU's (CR3 on x86_64, satp on RISC-V). Prints each
level's entry (index, raw value, the physical address it holds, its flags),
then where va is in physical memory, or where the walk stopped."""

    def __init__(self):
        super().__init__("ptwalk", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def run(self, arg):
        if not arg:
            raise gdb.GdbError("usage: ptwalk ADDR [ROOT]")
        addr, root_expr = one_or_two(arg)
        va = number(addr)
        fmt, root = current_mmu()
        if root_expr is not None:
            root = number(root_expr)
        print("%#x in root %#x (%s):" % (va, root, fmt.name))
        if not canonical(fmt, va):
            print("  not a canonical %s address: no table maps it" % fmt.name)
            return
        steps, pa, size = walk(fmt, PhysMem(), root, va)
        for level, index, _, pte in steps:
            if fmt.valid(pte):
                kind = "page" if fmt.leaf(pte, level) else "table"
                target = "%#x" % fmt.addr(pte)
            else:
                kind, target = "-", "-"
            print(("  %-4s [%3d] %#018x  %-5s %-12s %s" % (
                fmt.level_names[level], index, pte, kind, target,
                " ".join(fmt.flags(pte, level)))).rstrip())
        if pa is None:
            print("  not mapped: the walk stops at %s"
                  % fmt.level_names[steps[-1][0]])
        else:
            print("  -> physical %#x, in a %s page, %s" % (
                pa, size_text(size),
                access_text(fmt, [s[3] for s in steps])))


class Ps(KernelCommand):
    """List every process: ps

PID, state, the CPU running it (cpus[] index) or -, its page-table root
(physical) or - for a zombie, its parent and its name."""

    def __init__(self):
        super().__init__("ps", gdb.COMMAND_STATUS)

    def run(self, arg):
        print("  PID  STATE     CPU  ROOT          PPID  NAME")
        records = cpu_records()
        for p in sorted(processes(), key=lambda p: int(p["pid"])):
            cpu, root = running_cpu(p, records), proc_root(p)
            parent = p["parent"]
            print("%5d  %-8s  %3s  %-12s  %4s  %s" % (
                int(p["pid"]), state_name(p),
                "-" if cpu is None else cpu,
                "-" if root is None else "%#x" % root,
                int(parent["pid"]) if int(parent) != 0 else "-",
                proc_name(p)))


def region_kind(as_, r, stack_end):
    """What memregion r of as_ is for, as meminfo says (mm/vmmap.c)."""
    if int(r) == int(as_["heap"]):
        return "heap"
    if int(r["end"]) == stack_end:
        return "stack"
    perm = int(r["perm"])
    if perm & PERM_X:
        return "text"
    return "data" if perm & PERM_W else "rodata"


def picture(letters):
    """meminfo's picture of a region's page letters: a run of one letter
    as "c{12}" when that is shorter than writing it out."""
    out, i = "", 0
    while i < len(letters):
        n = 1
        while i + n < len(letters) and letters[i + n] == letters[i]:
            n += 1
        run = "%s{%d}" % (letters[i], n)
        out += run if len(run) < n else letters[i] * n
        i += n
    return out


def refcount(pa):
    """The reference count of the frame at pa, as pmem_page finds its
    struct page (mm/pmem.h), or "?" when the frame table is not there."""
    try:
        frames = static("pmem_frames")
        index = (pa - int(frames["lo"])) >> PAGE_SHIFT
        return int(frames["pages"][index]["refcount"])
    except (gdb.error, gdb.GdbError):
        return "?"


class Regions(KernelCommand):
    """Show the memregions of a process: regions PID [pages]

Each region's range, permissions, kind (text, rodata, data, heap, stack),
its pages (present, copy-on-write) and the picture meminfo draws: .
absent, r read-only, w writable, c copy-on-write, c{12} twelve c. With
"pages", every present page too: its physical frame, reference count and
PTE flags, from the same walk as ptwalk."""

    def __init__(self):
        super().__init__("regions", gdb.COMMAND_DATA)

    def run(self, arg):
        pages = arg.endswith(" pages")
        if pages:
            arg = arg[:-len(" pages")]
        if not arg:
            raise gdb.GdbError("usage: regions PID [pages]")
        p = find_process(number(arg))
        if proc_root(p) is None:
            print("pid %d (%s) is a zombie: it has no address space"
                  % (int(p["pid"]), proc_name(p)))
            return
        as_, root = p["as"], proc_root(p)
        fmt, _ = current_mmu()
        mem = PhysMem()
        print("regions of pid %d (%s), root %#x:" % (
            int(p["pid"]), proc_name(p), root))
        print("  %-32s perm  kind    pages present   cow" % "range")
        r = as_["regions"]
        while int(r) != 0:
            self.show(fmt, mem, root, as_, r, pages)
            r = r["next"]

    def show(self, fmt, mem, root, as_, r, pages):
        """Print region r of as_ and, with pages, its present pages."""
        start, end = int(r["start"]), int(r["end"])
        perm = int(r["perm"])
        kind = region_kind(as_, r, user_top(fmt) - PAGE_SIZE)
        letters, lines = "", []
        for va in range(start, end, PAGE_SIZE):
            steps, pa, _ = walk(fmt, mem, root, va)
            ptes = [s[3] for s in steps]
            letters += "." if pa is None else page_state(fmt, ptes)
            if pa is not None and pages:
                lines.append("      %#x -> %#x  refs %s  %s" % (
                    va, pa, refcount(pa),
                    " ".join(fmt.flags(ptes[-1], 0))))
        print("  %-32s %s%s%s   %-6s %6d %7d %5d" % (
            "[%#x, %#x)" % (start, end),
            "r" if perm & PERM_R else "-", "w" if perm & PERM_W else "-",
            "x" if perm & PERM_X else "-", kind, len(letters),
            len(letters) - letters.count("."), letters.count("c")))
        if letters:
            print("      " + picture(letters))
        for line in lines:
            print(line)


class Cpus(KernelCommand):
    """Show each online CPU: cpus

Its cpus[] index, the gdb thread that is this CPU (thread N), the page-table
root it has loaded, its timer ticks, whether it is idle, and the process it
runs."""

    def __init__(self):
        super().__init__("cpus", gdb.COMMAND_STATUS)

    def run(self, arg):
        records = cpu_records()
        threads = self.threads_by_cpu(records)
        print("  CPU  THREAD  ROOT          TICKS  IDLE  PROCESS")
        for i, c in records:
            p = c["proc"]
            print("%5d  %6s  %-12s %6d  %-4s  %s" % (
                i, threads.get(i, "?"), "%#x" % c["root"], c["ticks"],
                "yes" if c["idle"] else "no",
                "%d (%s)" % (int(p["pid"]), proc_name(p))
                if int(p) != 0 else "-"))

    def threads_by_cpu(self, records):
        """{index in records: gdb thread number}, from each thread's
        registers (another thread may be unable to read kernel memory);
        the selected thread and frame stay selected."""
        selected, level = gdb.selected_thread(), gdb.selected_frame().level()
        found = {}
        try:
            for t in gdb.selected_inferior().threads():
                t.switch()
                cpu = selected_cpu(records)
                if cpu is not None:
                    found[cpu] = t.num
        finally:
            selected.switch()
            gdb.execute("select-frame %d" % level)
        return found


class CurProc(gdb.Function):
    """$curproc(): the struct proc * that the selected CPU runs (NULL when
    it runs none), e.g. break syscall_handle if $curproc()->pid == 2. Where
    gdb cannot read kernel memory itself (a RISC-V hart stopped in user
    mode) $curproc()->pid fails: $pid() works there too."""

    def __init__(self):
        super().__init__("curproc")

    def invoke(self):
        with KernelView():
            return current_proc()


class Pid(gdb.Function):
    """$pid(): the pid of the process the selected CPU runs, 0 when none,
    e.g. break main if $pid() == 2 (after usym sh)."""

    def __init__(self):
        super().__init__("pid")

    def invoke(self):
        with KernelView():
            p = current_proc()
            return int(p["pid"]) if int(p) != 0 else 0


class Usym(KernelCommand):
    """Load a user program's symbols: usym [PROG]

Loads build/ARCH/user/PROG (next to the kernel gdb has loaded), in place of
the program loaded before: every program is linked at 0x400000, so only one
at a time can be. Without PROG, the program of the process on the selected
CPU. Then break main, list, bt work in user code; "usym -" unloads."""

    loaded = None

    def __init__(self):
        super().__init__("usym", gdb.COMMAND_FILES)

    def run(self, arg):
        if " " in arg:
            raise gdb.GdbError("usage: usym [PROG | -]")
        if arg:
            prog = arg
        else:
            p = current_proc()
            if int(p) == 0:
                raise gdb.GdbError("usym: this CPU runs no process")
            prog = proc_name(p)
        path = self.path(prog) if prog != "-" else None
        confirm = gdb.parameter("confirm")
        gdb.execute("set confirm off")
        try:
            if Usym.loaded:
                gdb.execute("remove-symbol-file %s" % Usym.loaded)
                Usym.loaded = None
            if path:
                gdb.execute("add-symbol-file %s" % path, to_string=True)
                Usym.loaded = path
                print("usym: symbols of %s" % os.path.relpath(path))
        finally:
            gdb.execute("set confirm %s" % ("on" if confirm else "off"))

    def path(self, prog):
        """build/ARCH/user/prog, from the kernel file's directory."""
        kernel = gdb.current_progspace().filename
        if kernel is None:
            raise gdb.GdbError("usym: load the kernel first (file ...)")
        path = os.path.join(os.path.dirname(kernel), "user", prog)
        if not os.path.isfile(path):
            raise gdb.GdbError("usym: no program %s" % path)
        return path


Ptwalk()
Ps()
Regions()
Cpus()
CurProc()
Pid()
Usym()
