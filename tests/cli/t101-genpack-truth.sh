#!/bin/sh
# truth.json of each sample pack agrees with its CSV files: the last
# capacity check lies within noise of the true capacity, the pulse gives
# the true DCIR, the manifest's R_BOL is the true one, the grades span
# A, B, C and R, and every injected event is in the BMS log.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
P=$SRC/data/packs

# truth.json -> "module capacity_ah R_BOL dcir_10s pulse_dcir grade"
truth_table() {
	awk 'function val(k,   s) {
		if (!match($0, "\"" k "\": \"?[-0-9.eA-Z+]+")) return "";
		s = substr($0, RSTART, RLENGTH); sub(/.*: "?/, "", s); return s }
	/"module_id"/ { m = val("module_id") }
	/"capacity_ah"/ { c = val("capacity_ah") }
	/"R_BOL_ohm"/ { r = val("R_BOL_ohm") }
	/"dcir_10s_ohm"/ { d = val("dcir_10s_ohm") }
	/"pulse_dcir_discharge_ohm"/ { p = val("pulse_dcir_discharge_ohm") }
	/"grade"/ { print m, c, r, d, p, val("grade") }' "$1"
}

check_pack() {
	pack=$1
	truth_table "$P/$pack/truth.json" >"$TMP/truth"
	checks=$((checks + 1))
	[ "$(wc -l <"$TMP/truth")" -ge 4 ] || fail "$pack: truth.json table"
	while read -r m cap rbol dcir pdcir grade; do
		# last capacity check vs truth: 4 sigma of 0.25 % noise
		last=$(awk -F, -v m="$m" '$1 == m { q = $4; r = $6 }
			END { print q, r }' "$P/$pack/capacity.csv")
		checks=$((checks + 1))
		echo "$last $cap $dcir" | awk '{ q = ($1 - $3) / $3
			r = ($2 - $4) / $4
			exit !(q * q < 0.01 * 0.01 && r * r < 0.04 * 0.04) }' ||
			fail "$pack $m: last check '$last' vs truth $cap $dcir"
		# initial_resistance_ohm in pack.json is the true R_BOL
		checks=$((checks + 1))
		grep "\"module_id\": \"$m\"" "$P/$pack/pack.json" |
			sed 's/.*initial_resistance_ohm": //; s/}.*//' |
			awk -v r="$rbol" '{ exit !(($1 - r)^2 < 1e-12) }' ||
			fail "$pack $m: initial_resistance_ohm vs R_BOL $rbol"
		# the pulse: dU/dI from 4 s (rest) to 15 s (end of discharge)
		checks=$((checks + 1))
		awk -F, -v m="$m" -v t="$pdcir" '$1 == m && $2 == "4.0" { v0 = $4 }
			$1 == m && $2 == "15.0" { v1 = $4; i1 = $3 }
			END { r = (v1 - v0) / i1; exit !((r - t)^2 < (0.01 * t)^2) }' \
			"$P/$pack/pulse.csv" || fail "$pack $m: pulse DCIR vs $pdcir"
		# the 10 s DCIR (capacity.csv's quantity) is close to the pulse's
		checks=$((checks + 1))
		echo "$dcir $pdcir" | awk '{ exit !(($1 - $2)^2 < (0.1 * $1)^2) }' ||
			fail "$pack $m: dcir $dcir vs pulse $pdcir"
	done <"$TMP/truth"
}

for p in nmc-leaf-8 lfp-bus-4 nmc-abuse-6; do
	check_pack "$p"
done

# nmc-leaf-8 spans A, B, C and R and has a module past its knee.
grades=$(truth_table "$P/nmc-leaf-8/truth.json" | awk '{ print $6 }' |
	sort -u | tr -d '\n')
checks=$((checks + 1))
[ "$grades" = "ABCR" ] || fail "nmc-leaf-8 grades '$grades'"
checks=$((checks + 1))
grep -q '"knee": "passed"' "$P/nmc-leaf-8/truth.json" || fail "no knee"

# Margins that let noisy fits grade as the truth: A modules have 14
# true years of home storage left, B modules 9 of peak shaving, no SOH_C
# within 2 % of 0.60, 0.70 or 0.80.
for p in nmc-leaf-8 lfp-bus-4 nmc-abuse-6; do
	checks=$((checks + 1))
	awk -F'[:,}]' '/"soh_c"/ { c = $2 }
	/"rul_years"/ { home = $3; peak = $5 }
	/"grade"/ { g = $2; gsub(/[ "]/, "", g)
		for (t = 0.6; t < 0.85; t += 0.1)
			if ((c - t)^2 < (0.02 * t)^2) bad = bad " soh_c " c
		if (g == "A" && home < 14) bad = bad " A home " home
		if (g == "B" && peak < 9) bad = bad " B peak " peak }
	END { if (bad) { print bad; exit 1 } }' "$P/$p/truth.json" >"$TMP/margin" ||
		fail "$p margins:$(cat "$TMP/margin")"
done

# Every event in nmc-abuse-6's truth is in the log at its times, with
# the logged extreme; M03 is deep-discharged, M05 over-heated.
events=$(grep -o '"type": "[a-z_]*", "start_unix_time_second": [0-9]*, "end_unix_time_second": [0-9]*, "extreme": [0-9.]*' \
	"$P/nmc-abuse-6/truth.json" | sed 's/"[a-z_]*": //g; s/"//g; s/,//g')
checks=$((checks + 1))
[ "$(echo "$events" | wc -l)" -eq 2 ] || fail "abuse events: $events"
echo "$events" | while read -r type start end extreme; do
	col=3; cmp='<'; lim=30
	[ "$type" = over_temperature ] && { col=4; cmp='>'; lim=60; }
	awk -F, -v c="$col" -v s="$start" -v e="$end" -v x="$extreme" \
		-v lim="$lim" -v cmp="$cmp" '
	function beyond(v) { return cmp == "<" ? v < lim : v > lim }
	NR > 1 && beyond($c) { n++; if (!first) first = $1; last = $1
		if (!ext || (cmp == "<" ? $c < ext : $c > ext)) ext = $c }
	END { exit !(n > 1 && first == s && last == e &&
		(ext - x)^2 < 0.0036) }' "$P/nmc-abuse-6/history.csv" ||
		echo "event $type $start $end $extreme not in the log" >>"$TMP/evfail"
done
checks=$((checks + 1))
[ ! -s "$TMP/evfail" ] || fail "$(cat "$TMP/evfail")"

# The clean packs stay inside the limits: no cell under 2.5 V (pack
# voltage over 8 x 12 and 4 x 16 cells), no temperature over 60 degC.
checks=$((checks + 1))
awk -F, 'NR > 1 && ($3 < 2.5 * 96 || $4 > 60) { bad = 1 }
	END { exit bad }' "$P/nmc-leaf-8/history.csv" || fail "nmc-leaf-8 limits"
checks=$((checks + 1))
awk -F, 'NR > 1 && ($3 < 2.5 * 64 || $4 > 60) { bad = 1 }
	END { exit bad }' "$P/lfp-bus-4/history.csv" || fail "lfp-bus-4 limits"
finish
