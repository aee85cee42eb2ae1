#!/bin/sh
# battgrade history on the sample packs: every pack reads, the abuse
# pack's injected events come out at the times truth.json gives, and a
# pack without history.csv is refused (no history, no reuse).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
P=$SRC/data/packs

for pack in "$P"/*/; do
	run "$BATTGRADE" history --json "$pack"
	expect_status 0 "$pack"
	expect_out '"integration":[[:space:]]*"trapezoidal"' "$pack json"
	expect_out '"coverage":[[:space:]]*0\.' "$pack coverage from dates"
	expect_out '"calendar_age_days":[[:space:]]*[1-9]' "$pack age"
done

# The deep discharge and over-temperature that the generator injected.
truth=$P/nmc-abuse-6/truth.json
dd=$(tr -d '\n ' <"$truth" | sed -n \
	's/.*"type":"deep_discharge","start_unix_time_second":\([0-9]*\).*/\1/p')
ot=$(tr -d '\n ' <"$truth" | sed -n \
	's/.*"type":"over_temperature","start_unix_time_second":\([0-9]*\).*/\1/p')
[ -n "$dd" ] && [ -n "$ot" ] || { echo "truth.json lacks the events"; exit 1; }
run "$BATTGRADE" history "$P/nmc-abuse-6"
expect_status 0 "abuse pack"
expect_out "^undervoltage *$dd " "deep discharge at the true start"
expect_out "^overtemperature *$ot " "over-temperature at the true start"
expect_out "modules *6" "per-module log"
run "$BATTGRADE" history --json "$P/nmc-abuse-6"
expect_out "\"start_utc\":[[:space:]]*\"$(date -u -d "@$dd" +%Y-%m-%dT%H:%M:%SZ)\"" \
	"event time as UTC text"

mkdir "$TMP/nohist"
cp "$P/lfp-bus-4/pack.json" "$TMP/nohist/"
run "$BATTGRADE" history "$TMP/nohist"
expect_status 66 "no history.csv"
expect_err "history.csv" "names the file"

# A limits override in pack.json changes what is abuse.
mkdir "$TMP/strict"
cp "$P/lfp-bus-4/history.csv" "$TMP/strict/"
sed 's/"chemistry": "LFP",/"chemistry": "LFP", "limits": {"discharge_temperature_celsius": [-20, 15], "charge_temperature_celsius": [0, 15]},/' \
	"$P/lfp-bus-4/pack.json" >"$TMP/strict/pack.json"
run "$BATTGRADE" history "$TMP/strict"
expect_status 0 "strict limits"
expect_out "^overtemperature" "override applies"
finish
