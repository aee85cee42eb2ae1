#!/bin/sh
# keygen, certify and verify: --help usage equals the man page SYNOPSIS,
# every option of the table is in OPTIONS and the other way round, and
# the pages lint clean.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

command -v man >/dev/null 2>&1 || { echo "man not installed"; exit 77; }
for c in keygen certify verify; do
	page="$SRC/man/battgrade-$c.1"
	run "$BATTGRADE" "$c" --help
	expect_status 0 "$c --help"
	usage=$(sed -n 's/^usage: //p' "$TMP/out")
	synopsis=$(MANWIDTH=400 man -l "$page" 2>/dev/null \
		| sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//')
	checks=$((checks + 1))
	[ "$usage" = "$synopsis" ] || fail "$c: usage '$usage' != SYNOPSIS '$synopsis'"
	for o in $(grep -o -e '--[a-z-]*' "$TMP/out" | sort -u); do
		checks=$((checks + 1))
		name=$(printf '%s' "${o#--}" | sed 's/-/\\\\-/g')
		grep -q "^\.B[IR]* *\\\\-\\\\-$name\( \|$\)" "$page" \
			|| fail "$c: $o not in OPTIONS of $page"
	done
	for o in $(sed -n '/^\.SH OPTIONS/,/^\.SH/s/^\.B[IR]* *\\-\\-\([a-z\\-]*\).*/\1/p' "$page" | sed 's/\\//g'); do
		checks=$((checks + 1))
		grep -q -e "--$o\b" "$TMP/out" || fail "$c: --$o documented but not in --help"
	done
	if command -v groff >/dev/null 2>&1; then
		checks=$((checks + 1))
		[ -z "$(groff -ww -z -man "$page" 2>&1)" ] || fail "$page: groff warnings"
	fi
done
checks=$((checks + 1))
[ -z "$(groff -ww -z -man "$SRC/man/battgrade-certificate.5" 2>&1)" ] \
	|| fail "battgrade-certificate.5: groff warnings"
finish
