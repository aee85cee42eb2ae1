#!/bin/sh
# Remaining life is bounded by the policy's max_service_years: a module
# on a backup duty of a few cycles a year is not promised centuries.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
P=$SRC/data/packs/nmc-leaf-8

run "$BATTGRADE" grade --json "$P"
expect_status 0 "grade"
checks=$((checks + 1))
over=$(grep -o '"p[15]0_years":[0-9.e+]*' "$TMP/out" | cut -d: -f2 |
	awk '$1 > 20.000001' | wc -l)
[ "$over" -eq 0 ] || fail "$over application years beyond 20"
expect_out '"name":"telecom-backup","p50_years":20,"p10_years":20,"beyond_horizon":true' \
	"capped years are flagged"

# A policy with a 12-year horizon caps at 12, and the grades stay.
sed 's/"max_service_years": 20/"max_service_years": 12/' \
	"$SRC/models/policies/default.json" >"$TMP/p12.json"
run "$BATTGRADE" grade --csv --policy "$TMP/p12.json" "$P"
expect_status 0 "grade --policy p12"
cut -d, -f1-3 "$TMP/out" >"$TMP/g12"
run "$BATTGRADE" grade --csv "$P"
cut -d, -f1-3 "$TMP/out" >"$TMP/g20"
checks=$((checks + 1))
cmp -s "$TMP/g12" "$TMP/g20" || fail "grades changed with the horizon"

sed 's/"max_service_years": 20/"max_service_years": 0/' \
	"$SRC/models/policies/default.json" >"$TMP/p0.json"
run "$BATTGRADE" policy check "$TMP/p0.json"
expect_status 78 "horizon 0 refused"
expect_err "max_service_years"
finish
