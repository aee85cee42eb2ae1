#!/bin/sh
# Every command in battgrade-history(1) EXAMPLES runs and succeeds (the
# lone-file example on a small log written here as module.csv).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

cat >"$TMP/module.csv" <<'CSV'
unix_time_second,current_ampere,voltage_volt,surface_temperature_celsius
1700000000,30,46.1,25
1700000600,30,47.9,27
1700001200,-40,45.0,29
CSV
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$SRC/man/battgrade-history.1" |
	sed -n '/^\.EX/,/^\.EE/p' | grep '^battgrade ' | sed 's/\\-/-/g' \
	>"$TMP/examples"
n=$(wc -l <"$TMP/examples")
checks=$((checks + 1))
[ "$n" -ge 3 ] || fail "expected at least 3 examples, found $n"
while read -r cmd; do
	# shellcheck disable=SC2086
	set -- $cmd
	shift
	case $cmd in
	*module.csv) dir=$TMP ;;
	*) dir=$SRC ;;
	esac
	status=0
	( cd "$dir" && "$BATTGRADE" "$@" ) >"$TMP/out" 2>"$TMP/err" ||
		status=$?
	expect_status 0 "$cmd"
	expect_empty_err "$cmd"
	expect_out "." "$cmd prints a report"
done <"$TMP/examples"
finish
