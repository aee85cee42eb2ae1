#!/bin/sh
# The full real files of the shared data set (not only the shortened
# fixtures): the Landt BDF file converts row for row, the Neware file's
# time bug is found at its first restart, every impedance export reads.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
if [ -z "${BG_SHARED_DATA:-}" ] || [ ! -d "$BG_SHARED_DATA/formats" ]; then
	echo "SKIP: BG_SHARED_DATA not set or without formats/ (configure --with-shared-data=DIR)"
	exit 77
fi
D=$BG_SHARED_DATA/formats

run "$BATTGRADE" convert --to csv "$D/bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv"
expect_status 0 "Landt"
checks=$((checks + 1))
rows=$(($(wc -l <"$D/bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv") - 1))
[ "$(($(wc -l <"$TMP/out") - 1))" -eq "$rows" ] || fail "Landt rows"
checks=$((checks + 1))
[ "$(tail -1 "$TMP/out")" = "262657.764,-0.0002,0.1086,0" ] || fail "Landt last row"

run "$BATTGRADE" convert --to csv "$D/bdf/SINTEF__SLPBA842124HV__2024-10-23__Rate_25degC__Neware__Time_Bug.bdf.csv"
expect_status 65 "Neware"
expect_err "Time_Bug.bdf.csv:724:1: test_time_second goes backwards"

for f in "$D"/eis/*; do
	case $f in *LICENSE*) continue ;; esac
	run "$BATTGRADE" convert --to csv "$f"
	case $f in
	*MissingFreq*) expect_status 65 "$f" ;;
	*) expect_status 0 "$f"
	   checks=$((checks + 1))
	   [ "$(wc -l <"$TMP/out")" -gt 10 ] || fail "$f: too few points" ;;
	esac
done
finish
