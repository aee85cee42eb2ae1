#!/bin/sh
# Real data: NASA B0005 and B0006 (end of life 1.4 Ah, first reached
# at discharge 125 and 109) and Severson b2c0 (0.88 Ah at cycle 300).
# The fits converge and a fit on 70 % of the history predicts the end
# of life within 20 %.  NREL/Denso series 14 (7 checks, cycles and
# days): the whole history fits, half of it is too little.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
REAL=${BG_SHARED_DATA:-}/real
if [ -z "${BG_SHARED_DATA:-}" ] || [ ! -d "$REAL" ]; then
	echo "SKIP: real data not found (BG_SHARED_DATA/real)"
	exit 77
fi

awk -F, 'NR == 1 { print "cycle_count,capacity_ah"; next }
	{ print $1 "," $5 }' "$REAL/nasa_pcoe/B0005_capacity.csv" >"$TMP/b5.csv"
awk -F, 'NR == 1 { print "cycle_count,capacity_ah"; next }
	{ print $1 "," $5 }' "$REAL/nasa_pcoe/B0006_capacity.csv" >"$TMP/b6.csv"
awk -F, 'NR == 1 { print "cycle_count,days,capacity_ah"; next }
	$1 == 14 { print $12 "," $10 "," $13 }' \
	"$REAL/nrel_denso/denso_shared_capacity_resistance.csv" >"$TMP/d14.csv"
awk -F, 'NR == 1 { print "cycle_count,capacity_ah,dc_internal_resistance_ohm"; next }
	$1 >= 2 { print $1 "," $2 "," $4 }' \
	"$REAL/severson2019/b2c0_summary.csv" >"$TMP/c0.csv"

check_eol() { # file rated eol_fraction observed
	run "$BATTGRADE" fit capacity --json --rated-capacity-ah "$2" \
		--eol "$3" "$1"
	expect_status 0 "$1 whole"
	expect_out '"status":"ok"' "$1 converges"
	run "$BATTGRADE" fit capacity --json --rated-capacity-ah "$2" \
		--eol "$3" --train-fraction 0.7 "$1"
	expect_out '"status":"ok"' "$1 70 %"
	got=$(sed 's/.*"eol_cycle_p50":\([^,]*\),.*/\1/' "$TMP/out")
	checks=$((checks + 1))
	awk -v g="$got" -v w="$4" 'BEGIN { d = g - w; if (d < 0) d = -d
		exit !(d <= 0.2 * w) }' ||
		fail "$1: predicted end of life $got, observed $4"
}
check_eol "$TMP/b5.csv" 2.0 0.7 125
check_eol "$TMP/b6.csv" 2.0 0.7 109
check_eol "$TMP/c0.csv" 1.1 0.8 300

run "$BATTGRADE" fit capacity --json --rated-capacity-ah 46.7 "$TMP/d14.csv"
expect_status 0 "Denso 14"
expect_out '"status":"ok"' "Denso 14 converges"
expect_out '"n_points":7,' "Denso 14: 7 checks"
run "$BATTGRADE" fit capacity --json --rated-capacity-ah 46.7 \
	--train-fraction 0.5 "$TMP/d14.csv"
expect_out '"status":"insufficient_history"' "Denso 14, 4 of 7 checks"

run "$BATTGRADE" fit resistance --json "$TMP/c0.csv"
expect_status 0 "Severson resistance"
expect_out '"status":"\(ok\|insufficient_history\)"'
finish
