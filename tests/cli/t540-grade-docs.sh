#!/bin/sh
# The pages of grade, match and policy agree with --help: the SYNOPSIS
# is the usage string, every option is in OPTIONS and the pages lint.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

for c in grade match policy; do
	page=$SRC/man/battgrade-$c.1
	syn=$(sed -n '/^\.SH SYNOPSIS/{n;p;}' "$page" | sed 's/\\-/-/g')
	run "$BATTGRADE" $c --help
	expect_status 0 "$c --help"
	use=$(sed -n 's/^usage: //p' "$TMP/out")
	checks=$((checks + 1))
	[ "$syn" = "$use" ] || fail "$c: SYNOPSIS '$syn' is not usage '$use'"
	for o in $(sed -n 's/^ *\(-., \)*--\([a-z-]*\).*/\2/p' "$TMP/out"); do
		checks=$((checks + 1))
		sed -n '/^\.SH OPTIONS/,/^\.SH EXIT/p' "$page" |
			sed 's/\\-/-/g' | grep -q -e "--$o" ||
			fail "$c: --$o not in OPTIONS of $page"
	done
	if command -v groff >/dev/null 2>&1; then
		checks=$((checks + 1))
		[ -z "$(groff -ww -z -man "$page" 2>&1)" ] || fail "$page lint"
	fi
done
checks=$((checks + 1))
[ -z "$(groff -ww -z -man "$SRC/man/battgrade-policy.5" 2>&1)" ] ||
	fail "battgrade-policy.5 lint"
finish
