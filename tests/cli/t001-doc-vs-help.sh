#!/bin/sh
# Documentation in step with the code (after git's t0450 and curl's
# test971/test1173): every command in commands.def has a man page, a
# line in battgrade(1) and in README.md; every long option its --help
# lists is described in its man page; every page is lint-free.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

for c in $(sed -n 's/^BG_COMMAND(\([a-z]*\),.*/\1/p' "$SRC/cmd/commands.def"); do
	[ "$c" = help ] && continue
	page="$SRC/man/battgrade-$c.1"
	checks=$((checks + 1))
	[ -f "$page" ] || { fail "no man page for '$c'"; continue; }
	checks=$((checks + 1))
	grep -q "^\.B $c\$" "$SRC/man/battgrade.1" || fail "'$c' not in battgrade(1)"
	checks=$((checks + 1))
	grep -q "battgrade $c\`" "$SRC/README.md" || fail "'$c' not in README.md"
	"$BATTGRADE" "$c" --help >"$TMP/help" 2>/dev/null || true
	for opt in $(grep -o -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
		[ "$opt" = --help ] && continue
		checks=$((checks + 1))
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -e "$esc" -e "$opt" "$page" \
			|| fail "$c: option $opt missing from battgrade-$c(1)"
	done
done

if command -v groff >/dev/null 2>&1; then
	for page in "$SRC"/man/*.[157]; do
		checks=$((checks + 1))
		warn=$(groff -ww -z -man "$page" 2>&1)
		[ -z "$warn" ] || fail "groff warnings in ${page##*/}: $warn"
	done
fi
finish
