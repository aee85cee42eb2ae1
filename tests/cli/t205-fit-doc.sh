#!/bin/sh
# battgrade-fit(1) and --help agree: SYNOPSIS equals the usage string,
# and every option of the tables is documented under OPTIONS.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PAGE=$SRC/man/battgrade-fit.1

for fam in capacity resistance impedance; do
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

# The EXAMPLES on the sample pack run as written (from $TMP, so that
# --plot files land there).
sed -n '/^\.EX$/,/^\.EE$/p' "$PAGE" | sed '/^\.E[XE]$/d' |
	sed -e 's/\\-/-/g' -e 's/\\e$//' | awk '
	/^battgrade/ { if (cmd != "") print cmd; cmd = $0; next }
	{ cmd = cmd " " $0 } END { if (cmd != "") print cmd }' |
	grep 'data/packs' >"$TMP/examples"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/examples")" -ge 2 ] || fail "examples found"
while read -r line; do
	args=$(echo "$line" | sed "s|^battgrade ||; s|data/packs|$SRC/data/packs|")
	(cd "$TMP" && eval "\"\$BATTGRADE\" $args" >/dev/null 2>&1)
	rc=$?
	checks=$((checks + 1))
	[ "$rc" -eq 0 ] || fail "example exits $rc: $line"
done <"$TMP/examples"
checks=$((checks + 1))
[ -s "$TMP/m08.svg" ] || fail "example plot written"
finish
