# lib.sh - helpers for the CLI tests (tests/cli/tNNN-<cmd>-<what>.sh).
#
# Each test sources this file, runs battgrade and checks stdout, stderr
# and the exit status with the functions below.  A failed check prints
# what was expected and what came, and the test exits 1 at the end.
set -u
: "${BATTGRADE:?run through make check}"
: "${BG_TOP_SRCDIR:?run through make check}"
SRC=$BG_TOP_SRCDIR
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bgcli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

# run CMD...: runs it, keeping stdout in $TMP/out, stderr in $TMP/err
# and the status in $status.
run() {
	status=0
	"$@" >"$TMP/out" 2>"$TMP/err" || status=$?
}

fail() {
	echo "FAIL: $*" >&2
	echo "--- stdout:" >&2; head -20 "$TMP/out" >&2
	echo "--- stderr:" >&2; head -20 "$TMP/err" >&2
	failures=$((failures + 1))
}

expect_status() {
	checks=$((checks + 1))
	[ "$status" -eq "$1" ] || fail "${2:-} expected exit $1, got $status"
}

expect_out() {
	checks=$((checks + 1))
	grep -q -e "$1" "$TMP/out" || fail "${2:-} stdout lacks '$1'"
}

expect_err() {
	checks=$((checks + 1))
	grep -q -e "$1" "$TMP/err" || fail "${2:-} stderr lacks '$1'"
}

expect_empty_err() {
	checks=$((checks + 1))
	[ ! -s "$TMP/err" ] || fail "${1:-} stderr not empty"
}

finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
}
