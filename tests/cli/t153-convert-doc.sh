#!/bin/sh
# battgrade-convert(1), battgrade-formats(5) and --help agree: SYNOPSIS
# equals the usage string, every option is under OPTIONS, every format
# name the library knows has its entry in battgrade-formats(5), and both
# pages pass groff's warnings check.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PAGE=$SRC/man/battgrade-convert.1
FMT=$SRC/man/battgrade-formats.5

run "$BATTGRADE" convert --help
expect_status 0 "--help"
usage=$(sed -n 's/^usage: //p' "$TMP/out")
syn=$(sed -n '/^\.B battgrade convert$/{n;p;q;}' "$PAGE" | sed 's/\\-/-/g')
checks=$((checks + 1))
[ "$usage" = "battgrade convert $syn" ] ||
	fail "usage '$usage' differs from SYNOPSIS '$syn'"
for o in $(sed -n 's/^ *\(-., \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' "$TMP/out"); do
	pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	checks=$((checks + 1))
	grep -q "^\.B[IR]\{0,1\} .*$pat" "$PAGE" || fail "$o not in OPTIONS"
done

# Every format --detect can print is documented.
for name in gamry biologic zplot zplotw autolab versastudio powersuite \
	parstat chi plain bdf arbin; do
	checks=$((checks + 1))
	grep -q "^\.B $name\$" "$FMT" || fail "format $name not in battgrade-formats(5)"
	run "$BATTGRADE" convert --to csv --format "$name" "$SRC/tests/fixtures/formats/sample.bdf.csv"
	checks=$((checks + 1))
	[ "$status" -ne 64 ] || fail "--format $name not accepted"
done

for page in "$PAGE" "$FMT"; do
	checks=$((checks + 1))
	groff -ww -z -man "$page" 2>"$TMP/groff" && [ ! -s "$TMP/groff" ] ||
		fail "groff warnings in $page: $(cat "$TMP/groff")"
done
finish
