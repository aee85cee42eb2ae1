#!/bin/sh
# The registry's pages agree with --help: SYNOPSIS lines are the usage
# lines, every option of --help is in OPTIONS and back, exit statuses
# of the code are listed, and the pages lint.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
REGD=$BG_TOP_BUILDDIR/battgrade-registryd

# synopsis PAGE: the SYNOPSIS lines, ".B cmd" joined with its operands.
synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$1" |
		sed '1d;$d;/^\.br$/d;s/\\-/-/g' |
		awk '/^\.B / { sub(/^\.B /, ""); head = $0; next }
		     { print head " " $0 }'
}
usage() { sed -n 's/^usage: //p;s/^   or: //p' "$1"; }

check_page() { # check_page PAGE HELP-FILE...
	page=$1; shift
	synopsis "$page" | sort >"$TMP/syn"
	for h in "$@"; do usage "$h"; done | sort >"$TMP/use"
	checks=$((checks + 1))
	cmp -s "$TMP/syn" "$TMP/use" ||
		fail "$page: SYNOPSIS $(cat "$TMP/syn") differs from usage $(cat "$TMP/use")"
	cat "$@" | sed -n 's/^ *\(-., \)*--\([a-z-]*\).*/\2/p' | sort -u >"$TMP/hopts"
	sed -n '/^\.SH OPTIONS/,/^\.SH EXIT/p' "$page" | sed 's/\\-/-/g' |
		sed -n 's/^\.B[I]* *\(-., \)*--\([a-z-]*\).*/\2/p' | sort -u >"$TMP/mopts"
	checks=$((checks + 1))
	cmp -s "$TMP/hopts" "$TMP/mopts" ||
		fail "$page: options differ: --help $(tr '\n' ' ' <"$TMP/hopts"), page $(tr '\n' ' ' <"$TMP/mopts")"
	if command -v groff >/dev/null 2>&1; then
		checks=$((checks + 1))
		[ -z "$(groff -ww -z -man "$page" 2>&1)" ] || fail "$page lint"
	fi
}

"$BATTGRADE" publish --help >"$TMP/h1"
check_page "$SRC/man/battgrade-publish.1" "$TMP/h1"
"$BATTGRADE" registry --help >"$TMP/h2"
check_page "$SRC/man/battgrade-registry.1" "$TMP/h2"
"$REGD" --help >"$TMP/h3"
"$REGD" issuer --help >"$TMP/h4"
check_page "$SRC/man/battgrade-registryd.1" "$TMP/h3" "$TMP/h4"
checks=$((checks + 1))
[ -z "$(groff -ww -z -man "$SRC/man/battgrade-registry.7" 2>&1)" ] ||
	fail "battgrade-registry.7 lint"

# Every exit status publish can return is in its EXIT STATUS.
for code in 0 65 75 77 78; do
	checks=$((checks + 1))
	sed -n '/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p' \
		"$SRC/man/battgrade-publish.1" | grep -q "^\.B $code\$" ||
		fail "publish exit status $code not documented"
done
# The OpenAPI file names every route the server answers.
for r in "/v1/certificates:" "/v1/certificates/{id}:" \
	"/v1/modules/{module_id}/certificates:" "/v1/issuers/{id}/keys:" \
	"/v1/health:"; do
	checks=$((checks + 1))
	grep -q "^  $r" "$SRC/docs/registry-openapi.yaml" || fail "OpenAPI lacks $r"
done
finish
