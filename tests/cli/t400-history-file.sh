#!/bin/sh
# battgrade history on lone log files: summary, JSON keys and values
# against hand-computed integrals, events, clock jumps, BDF labels.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

# 10 A for one hour, then -5 A for one hour, sampled every 30 min.
cat >"$TMP/log.csv" <<'CSV'
unix_time_second,current_ampere,voltage_volt,surface_temperature_celsius
1700000000,10,3.7,25
1700001800,10,3.7,25
1700003600,10,3.7,25
1700003600,-5,3.6,25
1700005400,-5,3.6,25
1700007200,-5,3.6,25
CSV

run "$BATTGRADE" history --help
expect_status 0 "--help"
expect_out "^usage: battgrade history" "--help usage"
expect_out "nominal-capacity-ah" "--help options"

run "$BATTGRADE" history --json --chemistry NMC --nominal-capacity-ah 20 \
	--gap-seconds 3600 "$TMP/log.csv"
expect_status 0 "json"
expect_empty_err "json"
expect_out '"ah_throughput_charge":[[:space:]]*10[,.]' "10 Ah in"
expect_out '"ah_throughput_discharge":[[:space:]]*5[,.]' "5 Ah out"
expect_out '"equivalent_full_cycles":[[:space:]]*0.375' "(10+5)/(2*20)"
expect_out '"energy_throughput_kWh":[[:space:]]*0.055' "37 Wh + 18 Wh"
expect_out '"rainflow"' "rainflow key"
expect_out '"events":[[:space:]]*\[\]' "no events in a clean log"
expect_out '"coverage":[[:space:]]*null' "no dates: coverage unknown"
expect_out '"temperature_minutes"' "temperature minutes"
expect_out '"integration":[[:space:]]*"trapezoidal"' "method stated"

run "$BATTGRADE" history --chemistry NMC --nominal-capacity-ah 20 \
	--gap-seconds 3600 "$TMP/log.csv"
expect_status 0 "summary"
expect_out "charge throughput (Ah) *10.000" "summary charge"
expect_out "no harmful events" "summary events"

# Abuse: over-voltage, cold charging, a backward clock jump.
cat >"$TMP/abuse.csv" <<'CSV'
Test Time / s,Voltage / V,Current / A,Surface Temperature / degC
0,3.7,1,25
10,4.3,1,25
20,3.7,1,-5
30,3.7,1,-5
5,3.7,1,20
15,3.7,1,20
CSV
run "$BATTGRADE" history --json --chemistry NMC --nominal-capacity-ah 20 \
	"$TMP/abuse.csv"
expect_status 0 "clock jump is not fatal"
expect_out '"clock_jumps":[[:space:]]*1' "one clock jump"
expect_out '"type":[[:space:]]*"overvoltage"' "over-voltage event"
expect_out '"type":[[:space:]]*"undertemperature_charging"' "cold charging event"
expect_out '"extreme":[[:space:]]*4.3' "over-voltage extreme"

run "$BATTGRADE" history --chemistry NMC --nominal-capacity-ah 20 \
	"$TMP/abuse.csv"
expect_status 0 "summary with events"
expect_out "backward clock jumps *1" "summary clock jump"
expect_out "^overvoltage" "summary event table"

# Split into two files, the result is the same as one.
head -4 "$TMP/log.csv" >"$TMP/a.csv"
{ head -1 "$TMP/log.csv"; tail -3 "$TMP/log.csv"; } >"$TMP/b.csv"
run "$BATTGRADE" history --json --chemistry NMC --nominal-capacity-ah 20 \
	--gap-seconds 3600 "$TMP/a.csv" "$TMP/b.csv"
expect_status 0 "two files"
expect_out '"ah_throughput_discharge":[[:space:]]*5[,.]' "split log"

finish
