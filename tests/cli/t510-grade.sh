#!/bin/sh
# battgrade grade on the sample packs: outputs, batch behaviour, errors.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

PACKS=$SRC/data/packs
if [ ! -f "$PACKS/nmc-leaf-8/pack.json" ]; then
	echo "SKIP: sample packs not found in $PACKS"
	exit 77
fi
P1=$PACKS/nmc-leaf-8
P2=$PACKS/lfp-bus-4
P3=$PACKS/nmc-abuse-6

# Table: one block per pack, one row per module.
run "$BATTGRADE" grade "$P1" "$P2"
expect_status 0 "table"
expect_out "^pack nmc-leaf-8" "table names the pack"
expect_out "^MODULE  *GRADE  *SOH_C  *SOH_R  *RUL_P50_Y  *RUL_P10_Y  *BEST_APPLICATION  *DECIDING_RULE" "table header"
expect_out "^M08 " "every module"
expect_out "^pack lfp-bus-4" "second pack"
expect_empty_err "table"

# JSONL: one object per module with the keys the certificate needs.
run "$BATTGRADE" grade --json "$P1"
expect_status 0 "json"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 8 ] || fail "8 modules, 8 lines"
for k in pack_id module_id grade applications rules deciding_rule policy \
	policy_version policy_sha256 chemistry manufacturer model position \
	rated_capacity_ah nominal_voltage_volt remaining_capacity_ah \
	soh_capacity capacity_fade_percent resistance_ohm resistance_basis \
	soh_resistance resistance_increase_percent rul_years_p50 \
	rul_years_p10 knee_cycle knee_onset_cycle fade impedance dcir \
	history inputs; do
	checks=$((checks + 1))
	[ "$(grep -c "\"$k\":" "$TMP/out")" -eq 8 ] || fail "key $k in every line"
done
checks=$((checks + 1))
[ "$(grep -o '"points":' "$TMP/out" | wc -l)" -eq 8 ] ||
	fail "one measured 'points' array per module"
expect_out '"points":\[\[0,' "points start at cycle 0"
pol=$(sha256sum "$SRC/models/policies/default.json" | cut -c1-64)
expect_out "\"policy_sha256\":\"$pol\"" "policy hash is sha256sum's"
cap=$(sha256sum "$P1/capacity.csv" | cut -c1-64)
expect_out "{\"file\":\"capacity.csv\",\"sha256\":\"$cap\"}" "input hash"
expect_out '"module_id":"M07","grade":"R","deciding_rule":"soh_capacity.C"' \
	"M07 below 60 % is R"

# -j 1 and -j 4 give the same bytes, in input order, for a long list.
: >"$TMP/list"
for i in 1 2 3 4 5 6; do
	printf '%s\n%s\n%s\n' "$P1" "$P2" "$P3" >>"$TMP/list"
done
run "$BATTGRADE" grade --json -j 1 --from "$TMP/list"
expect_status 0 "-j 1"
mv "$TMP/out" "$TMP/j1"
run "$BATTGRADE" grade --json -j 4 --from "$TMP/list"
expect_status 0 "-j 4"
checks=$((checks + 1))
cmp -s "$TMP/j1" "$TMP/out" || fail "-j 1 and -j 4 differ"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 108 ] || fail "18 packs x 6 modules on average"

# Memory does not grow with the number of packs: peak RSS for 100
# packs is within 4 MiB of that for 10 (GNU time, when installed; not
# under AddressSanitizer, whose quarantine keeps freed memory).
if [ -x /usr/bin/time ] && ! grep -q __asan_init \
	"$BG_TOP_BUILDDIR/lib/.libs/libbattgrade.so" 2>/dev/null; then
	rss() {
		: >"$TMP/many"
		i=0
		while [ $i -lt "$1" ]; do
			echo "$P2" >>"$TMP/many"
			i=$((i + 1))
		done
		/usr/bin/time -f %M -o "$TMP/rss" "$BATTGRADE" grade --json -j 2 \
			--from "$TMP/many" >/dev/null 2>&1
		tail -1 "$TMP/rss"
	}
	small=$(rss 10)
	big=$(rss 100)
	checks=$((checks + 1))
	[ $((big - small)) -lt 4096 ] ||
		fail "peak RSS grew from $small KiB (10 packs) to $big KiB (100)"
fi

# --from - reads standard input; blank lines and comments are skipped.
printf '# packs\n\n%s\n' "$P2" | "$BATTGRADE" grade --json --from - \
	>"$TMP/stdin" 2>"$TMP/err"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/stdin")" -eq 4 ] || fail "--from - reads the list"

# --shard K/N: the shards partition the list.
printf '%s\n%s\n%s\n' "$P1" "$P2" "$P3" >"$TMP/l3"
"$BATTGRADE" grade --csv --shard 1/2 --from "$TMP/l3" >"$TMP/s1"
"$BATTGRADE" grade --csv --shard 2/2 --from "$TMP/l3" >"$TMP/s2"
"$BATTGRADE" grade --csv --from "$TMP/l3" >"$TMP/all"
checks=$((checks + 1))
[ "$(cat "$TMP/s1" "$TMP/s2" | grep -vc '^pack_id')" -eq 18 ] \
	|| fail "shards cover every module once"
checks=$((checks + 1))
[ "$(sort "$TMP/s1" "$TMP/s2" | grep -v '^pack_id' | uniq -d | wc -l)" -eq 0 ] \
	|| fail "shards are disjoint"
run "$BATTGRADE" grade --shard 3/2 "$P1"
expect_status 64 "shard K > N"
expect_err "is not K/N"

# CSV: a header and one row per module.
run "$BATTGRADE" grade --csv "$P2"
expect_status 0 "csv"
expect_out "^pack_id,module_id,grade,soh_capacity,soh_resistance," "csv header"
expect_out "^lfp-bus-4,M01,A," "csv row"

# --explain: every rule with value, threshold and outcome.
run "$BATTGRADE" grade --explain "$P1"
expect_status 0 "explain"
expect_out "nmc-leaf-8 M07: grade R, decided by soh_capacity.C" "explain names the rule"
expect_out "health  *soh_capacity.C  *fail  *0.5[0-9]* >= 0.6 fraction  -> at most R" \
	"explain shows value and threshold"
expect_out "resistance basis: initial_resistance_ohm" "explain shows R_BOL basis"

# One bad pack is reported and skipped; the others are graded; 65.
mkdir "$TMP/bad"
printf '{\n  "pack_id": "bad",\n  "chemistry": 7\n}\n' >"$TMP/bad/pack.json"
run "$BATTGRADE" grade --csv "$P2" "$TMP/bad" "$TMP/missing" "$P1"
expect_status 65 "bad pack"
expect_err "bad/pack.json:3:" "bad manifest located"
expect_err "missing" "missing pack named"
expect_out "^lfp-bus-4,M04," "pack before the bad ones graded"
expect_out "^nmc-leaf-8,M08," "pack after the bad ones graded"

# --out DIR: one file per pack, written atomically; a rerun with the
# same result is fine, other content is never overwritten.
mkdir "$TMP/o"
run "$BATTGRADE" grade --out "$TMP/o" "$P2"
expect_status 0 "--out"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/o/lfp-bus-4.jsonl")" -eq 4 ] || fail "--out file"
run "$BATTGRADE" grade --out "$TMP/o" "$P2"
expect_status 0 "--out rerun"
echo "user data" >"$TMP/o/lfp-bus-4.jsonl"
run "$BATTGRADE" grade --out "$TMP/o" "$P2"
expect_status 65 "--out would overwrite"
expect_err "lfp-bus-4.jsonl: exists with other content"
checks=$((checks + 1))
[ "$(cat "$TMP/o/lfp-bus-4.jsonl")" = "user data" ] || fail "user data kept"
checks=$((checks + 1))
[ "$(ls -A "$TMP/o" | wc -l)" -eq 1 ] || fail "no temporary file left"

# A pack_id that is not a plain file name never escapes --out.
cp -r "$P2" "$TMP/evil"
sed 's/"pack_id": "lfp-bus-4"/"pack_id": "..\/escape"/' "$P2/pack.json" \
	>"$TMP/evil/pack.json"
run "$BATTGRADE" grade --out "$TMP/o" "$TMP/evil"
expect_status 65 "unsafe pack_id"
expect_err "pack_id '../escape' is not a safe file name"
checks=$((checks + 1))
[ ! -e "$TMP/escape.jsonl" ] || fail "wrote outside --out"

# --policy FILE: the user's thresholds decide, and its hash is reported.
sed 's/"op": ">=", "threshold": 0.80/"op": ">=", "threshold": 0.95/' \
	"$SRC/models/policies/default.json" >"$TMP/strict.json"
run "$BATTGRADE" grade --json --policy "$TMP/strict.json" "$P1"
expect_status 0 "--policy FILE"
expect_out '"module_id":"M02","grade":"B","deciding_rule":"soh_capacity.A"' \
	"stricter policy"
strict=$(sha256sum "$TMP/strict.json" | cut -c1-64)
expect_out "\"policy_sha256\":\"$strict\"" "user policy hash"
run "$BATTGRADE" grade --policy nonesuch "$P2"
expect_status 66 "unknown policy"

run "$BATTGRADE" grade
expect_status 64 "no packs"
run "$BATTGRADE" grade -j 0 "$P2"
expect_status 64 "-j 0"
finish
