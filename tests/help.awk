# `make help`: every target and knob, from the annotations of the makefiles
# given as arguments, in the order they appear:
#
#   ## TARGET: text          above a target's rule
#   ## knob NAME: text       above a knob's `NAME ?= default` (or its use)
#   ##     more text         (two or more spaces) continues either
#
# Each knob is shown with its value, which the Makefile passes in the
# environment as HELP_<NAME>: make's own value, so the default unless the
# command line or the environment set it.

# note(kind, line): start a target ("t") or knob ("k") entry from line.
function note(kind, line, name) {
	name = line
	sub(/^## (knob )?/, "", name)
	sub(/:.*/, "", name)
	sub(/^## [^:]*: /, "", line)
	n[kind]++
	names[kind, n[kind]] = name
	text[kind, n[kind]] = line
	last = kind
}

/^## knob [A-Za-z0-9_]+: / { note("k", $0); next }
/^## [^ :]+: / { note("t", $0); next }
/^##   *[^ ]/ && last != "" {
	sub(/^## */, "", $0)
	text[last, n[last]] = text[last, n[last]] "\n" $0
	next
}
{ last = "" }

# show(head, body): head in a column of 24, then body, whose lines after
# the first are indented to that column; a long head gets a line of its own.
function show(head, body) {
	gsub(/\n/, "\n                         ", body)
	if (length(head) > 22)
		printf "  %s\n                         %s\n", head, body
	else
		printf "  %-22s %s\n", head, body
}

END {
	print "Targets:"
	for (i = 1; i <= n["t"]; i++)
		show(names["t", i], text["t", i])
	print "Knobs (the value now: the default unless you set it):"
	for (i = 1; i <= n["k"]; i++)
		show(names["k", i] "=" ENVIRON["HELP_" names["k", i]], text["k", i])
}
