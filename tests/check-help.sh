#!/bin/sh
# Check that `make help` cannot go stale: it lists every knob (each
# `NAME ?=` of the makefiles) and every .PHONY target, and each of its
# annotations (tests/help.awk) names a target with a rule or a knob the
# makefiles use. Prints what is wrong, last a one-line verdict; run by
# make test.
set -u
cd "$(dirname "$0")/.." || exit 1

files="Makefile $(find . -name '*.mk' -not -path './build/*' | sort)"
help=$(make -s --no-print-directory help) || exit 1
bad=0

# complain TEXT: note one problem.
complain() {
	echo "make help: $1"
	bad=$((bad + 1))
}

# listed KIND NAME: does the help have a line for NAME (KIND "=" for a
# knob, " " for a target)?
listed() {
	printf '%s\n' "$help" | grep -qF "  $2$1" ||
		printf '%s\n' "$help" | grep -qxF "  $2"
}

# has_rule TARGET: is TARGET phony or before the colon of a rule?
has_rule() {
	printf '%s\n' "$phony" | grep -qxF "$1" && return 0
	# shellcheck disable=SC2086 # $files is a list of paths without spaces
	awk -v t="$1" '/^[^#\t][^=]*:/ {
		split(substr($0, 1, index($0, ":") - 1), w, " ")
		for (i in w) if (w[i] == t) found = 1
	} END { exit !found }' $files
}

# shellcheck disable=SC2086
knobs=$(sed -n 's/^\([A-Za-z0-9_]*\) *?=.*/\1/p' $files | sort -u)
# shellcheck disable=SC2086
phony=$(sed -n 's/^\.PHONY *: *//p' $files | tr ' ' '\n' | sort -u)
# shellcheck disable=SC2086
documented_knobs=$(sed -n 's/^## knob \([A-Za-z0-9_]*\): .*/\1/p' $files)
# shellcheck disable=SC2086
documented_targets=$(sed -n 's/^## \([^ :]*\): .*/\1/p' $files)

for k in $knobs; do
	listed = "$k" || complain "knob $k (set with ?=) is not listed"
done
for t in $phony; do
	listed " " "$t" || complain "target $t (.PHONY) is not listed"
done
for k in $documented_knobs; do
	# shellcheck disable=SC2086
	grep -qF "\$($k)" $files || complain "knob $k is documented but unused"
done
for t in $documented_targets; do
	has_rule "$t" || complain "target $t is documented but has no rule"
done

if [ "$bad" != 0 ]; then
	echo "make help: $bad problem(s), see above"
	exit 1
fi
# shellcheck disable=SC2086 # counting words
echo "make help: $(echo $documented_knobs | wc -w) knobs and" \
	"$(echo $documented_targets | wc -w) targets, none missing, none stale"
