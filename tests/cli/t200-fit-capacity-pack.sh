#!/bin/sh
# fit capacity on a sample pack: a table and JSON lines per module with
# the keys of battgrade-fit(1); rated capacity from pack.json; the knee
# of the module built with one, none elsewhere; remaining life close to
# the generator's truth for modules that end their life soon.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PACK=$SRC/data/packs/nmc-leaf-8

run "$BATTGRADE" fit capacity "$PACK"
expect_status 0 "table"
expect_out "^module  *status  *model" "table header"
expect_out "^M08  *ok" "table row"
checks=$((checks + 1))
[ "$(grep -c '^M0' "$TMP/out")" -eq 8 ] || fail "8 modules in the table"

run "$BATTGRADE" fit capacity --json "$PACK"
expect_status 0 "json"
expect_empty_err "json"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 8 ] || fail "one JSON line per module"
for k in module_id model params aicc rmse knee_cycle knee_onset_cycle \
	eol_threshold_Ah eol_cycle_p50 eol_cycle_p10 rul_cycles_p50 \
	rul_cycles_p10 rul_years_p50 rul_years_p10 status; do
	checks=$((checks + 1))
	[ "$(grep -c "\"$k\":" "$TMP/out")" -eq 8 ] || fail "key $k"
done
expect_out '"rated_capacity_Ah":65,' "rated from pack.json"
expect_out '"rated_from_first_point":false' "rated not from the data"
# M08 was generated with a knee; M01 without
grep '"module_id":"M08"' "$TMP/out" >"$TMP/m08"
grep '"module_id":"M01"' "$TMP/out" >"$TMP/m01"
checks=$((checks + 1))
grep -q '"knee_cycle":[0-9]' "$TMP/m08" || fail "knee of M08"
checks=$((checks + 1))
grep -q '"knee_cycle":null' "$TMP/m01" || fail "no knee in M01"

# P50 remaining life at home duty against truth.json (M03..M06):
# within 40 % or 1 year.
for m in M03 M04 M05 M06; do
	got=$(grep "\"module_id\":\"$m\"" "$TMP/out" |
		sed 's/.*"rul_years_p50":\([^,]*\),.*/\1/')
	want=$(sed -n "/\"module_id\": \"$m\"/,/rul_years/p" "$PACK/truth.json" |
		sed -n 's/.*"home": \([0-9.]*\),.*/\1/p')
	checks=$((checks + 1))
	awk -v g="$got" -v w="$want" 'BEGIN {
		d = g - w; if (d < 0) d = -d
		exit !(d <= 1 || d <= 0.4 * w) }' ||
		fail "$m RUL P50 $got y, truth $want y"
done

# one module; options after the operand; another duty halves the years
run "$BATTGRADE" fit capacity "$PACK" --module M05 --json
expect_status 0 "--module after PACKDIR"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "--module: one line"
y1=$(sed 's/.*"rul_years_p50":\([^,]*\),.*/\1/' "$TMP/out")
run "$BATTGRADE" fit capacity --module M05 --json --model power \
	--cycles-per-day 2 "$PACK"
expect_out '"model":"power"' "--model forces"
expect_out '"cycles_per_day":2' "--cycles-per-day"

run "$BATTGRADE" fit capacity --module M99 "$PACK"
expect_status 65 "unknown module"
expect_err "no module 'M99'"
finish
