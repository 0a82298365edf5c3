#!/usr/bin/env python3
"""`make loc`: lines of C and assembly (.c, .h, .S) under each directory
given, all lines and code lines (neither blank nor only comments).

    tests/loc.py DIR...

Comments are /* ... */ and // everywhere, and in .S files also a line that
starts with "# " or is a lone "#" (an assembler comment; #include and
#define are code). Standard library only.
"""
import os
import sys

SUFFIXES = (".c", ".h", ".S")


def code_flags(text, assembly):
    """Return, for each line of text, whether it holds code: any character
    outside comments and whitespace. String and character literals are
    code, so a "/*" inside one starts no comment."""
    flags = []
    in_comment = False
    for line in text.split("\n"):
        stripped = line.strip()
        if assembly and not in_comment and (stripped == "#" or
                                            stripped.startswith("# ")):
            flags.append(False)
            continue
        flags.append(False)
        i, quote = 0, None
        while i < len(line):
            c, pair = line[i], line[i:i + 2]
            if in_comment:
                if pair == "*/":
                    in_comment, i = False, i + 1
            elif quote:
                flags[-1] = True
                if c == "\\":
                    i += 1
                elif c == quote:
                    quote = None
            elif pair == "/*":
                in_comment, i = True, i + 1
            elif pair == "//":
                break
            elif not c.isspace():
                flags[-1] = True
                if c in "\"'":
                    quote = c
            i += 1
    if text.endswith("\n"):
        flags.pop()  # no line after the last newline
    return flags


def count_dir(top):
    """Return (files, lines, code lines) of the sources under top."""
    files = lines = code = 0
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(SUFFIXES):
                continue
            with open(os.path.join(root, name), encoding="utf-8",
                      errors="replace") as f:
                flags = code_flags(f.read(), name.endswith(".S"))
            files += 1
            lines += len(flags)
            code += sum(flags)
    return files, lines, code


def main(dirs):
    rows = [(d.rstrip("/") + "/",) + count_dir(d) for d in dirs]
    rows.append(("total",) + tuple(sum(r[i] for r in rows)
                                   for i in (1, 2, 3)))
    print("%-16s %6s %8s %8s" % ("(.c .h .S)", "files", "lines", "code"))
    for row in rows:
        print("%-16s %6d %8d %8d" % row)


if __name__ == "__main__":
    main(sys.argv[1:])
