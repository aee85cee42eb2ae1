#!/bin/sh
# battgrade-fit(1) and --help agree: SYNOPSIS equals the usage string,
# and every option of the tables is documented under OPTIONS.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PAGE=$SRC/man/battgrade-fit.1

for fam in capacity resistance; do
	run "$BATTGRADE" fit $fam --help
	expect_status 0 "$fam --help"
	usage=$(sed -n 's/^usage: //p' "$TMP/out")
	syn=$(sed -n "/^\.B battgrade fit $fam\$/{n;p;}" "$PAGE" |
		sed 's/\\-/-/g')
	checks=$((checks + 1))
	[ "$usage" = "battgrade fit $fam $syn" ] ||
		fail "$fam: usage '$usage' differs from SYNOPSIS '$syn'"
	for o in $(sed -n 's/^ *\(--[a-z0-9-]*\).*/\1/p' "$TMP/out"); do
		pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		checks=$((checks + 1))
		grep -q "^\.BI\{0,1\} $pat" "$PAGE" || fail "$o not in OPTIONS"
	done
done
checks=$((checks + 1))
grep -q '^\.SS impedance' "$PAGE" || fail "impedance section placeholder"
finish
