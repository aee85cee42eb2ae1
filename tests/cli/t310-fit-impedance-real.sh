#!/bin/sh
# fit impedance and kk on measured spectra from the shared data set.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
if [ -z "${BG_SHARED_DATA:-}" ] || [ ! -d "$BG_SHARED_DATA/real" ]; then
	echo "BG_SHARED_DATA not set or has no real/: skipping real spectra"
	exit 77
fi
R="$BG_SHARED_DATA/real"

# a single Zhang 2020 spectrum: two-arc model without a guess
run "$BATTGRADE" fit impedance --json "$R/zhang2020_eis/eis/25C01_stateV_cycle131.csv"
expect_status 0 "zhang fit"
expect_out '"status":"ok"'
expect_out '"valid":true'
expect_out '"module_id":""'

# a long file of 15 spectra (temperature x SOC), one JSON line each
run "$BATTGRADE" fit impedance --json --drop-inductive --circuit randles-cpe \
	"$R/faraji_niri2023/cell12_eis.csv"
expect_status 0 "faraji fit"
checks=$((checks + 1))
[ "$(grep -c '"status":"ok"' "$TMP/out")" -eq 15 ] || fail "15 fits ok"
expect_out '"spectrum":"temperature_C=35;soc_percent=95"'

run "$BATTGRADE" kk --drop-inductive "$R/nrel_denso/denso_series30_eis.csv"
expect_status 0 "denso kk"
expect_out "eis_temperature_C=25"

# a drifting copy (last quarter of the sweep scaled up to +15 %) fails
awk -F, 'NR == 1 { print; next } { n++; row[n] = $0 }
	END { for (i = 1; i <= n; i++) { t = (i - 1) / (n - 1);
		f = t > 0.75 ? 1 + 0.15 * (t - 0.75) / 0.25 : 1;
		split(row[i], c, ","); printf "%s,%.7g,%.7g\n", c[1], c[2] * f, c[3] * f } }' \
	"$R/zhang2020_eis/eis/25C01_stateV_cycle131.csv" >"$TMP/drift.csv"
run "$BATTGRADE" kk --json "$TMP/drift.csv"
expect_status 65 "drifting spectrum"
expect_out '"valid":false'
run "$BATTGRADE" kk --json --limit 10 "$TMP/drift.csv"
expect_status 0 "drift within a 10 % limit"
finish
