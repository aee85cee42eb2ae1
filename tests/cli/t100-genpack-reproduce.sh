#!/bin/sh
# The sample packs in data/packs/ are exactly what data/genpack writes
# with the command lines in data/README.md: regenerate and compare.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
GENPACK=$BG_TOP_BUILDDIR/data/genpack

gen() {	# seed kind name
	run "$GENPACK" --seed "$1" --kind "$2" --out "$TMP/$3"
	expect_status 0 "genpack $3"
	checks=$((checks + 1))
	diff -r "$SRC/data/packs/$3" "$TMP/$3" >"$TMP/diff" 2>&1 ||
		{ cat "$TMP/diff" | head -20 >&2; fail "$3 differs from data/packs"; }
}
gen 1001 nmc nmc-leaf-8
gen 1002 lfp lfp-bus-4
gen 1003 abuse nmc-abuse-6

# Together under 300 KiB.
checks=$((checks + 1))
size=$(cat "$SRC"/data/packs/*/* | wc -c)
[ "$size" -lt 307200 ] || fail "sample packs are $size bytes"

# Same seed, same bytes; another seed, other bytes.
run "$GENPACK" --seed 7 --kind nmc --modules 3 --out "$TMP/a"
run "$GENPACK" --seed 7 --kind nmc --modules 3 --out "$TMP/b"
checks=$((checks + 1))
for f in capacity.csv impedance.csv pulse.csv history.csv; do
	cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "seed 7 $f not reproducible"
done
run "$GENPACK" --seed 8 --kind nmc --modules 3 --out "$TMP/c"
checks=$((checks + 1))
cmp -s "$TMP/a/capacity.csv" "$TMP/c/capacity.csv" && fail "seed ignored"

# --history-rows writes exactly that many rows after the header.
run "$GENPACK" --seed 3 --kind nmc --modules 2 --history-rows 5000 \
	--out "$TMP/h"
expect_status 0 "--history-rows"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/h/history.csv")" -eq 5001 ] || fail "history rows"
run "$GENPACK" --seed 3 --kind abuse --history-rows 4321 --out "$TMP/h2"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/h2/history.csv")" -eq 4322 ] || fail "abuse history rows"

# --many N writes N packs.
run "$GENPACK" --seed 5 --many 3 --out "$TMP/many"
expect_status 0 "--many"
checks=$((checks + 1))
[ "$(ls "$TMP/many" | wc -l)" -eq 3 ] &&
	[ -f "$TMP/many/many-000003/truth.json" ] || fail "--many 3"

# Bad usage.
run "$GENPACK" --kind xyz --out "$TMP/x"
expect_status 1 "unknown kind"
expect_err "unknown kind 'xyz'"
run "$GENPACK" --modules 0 --out "$TMP/x"
expect_status 1 "--modules 0"
run "$GENPACK"
expect_status 64 "no --out"
finish
