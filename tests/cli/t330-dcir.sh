#!/bin/sh
# dcir: a synthetic R0 + R1||C1 module (R0 10 mohm, R1 4 mohm, tau 8 s)
# answering a 40 s discharge and a 40 s charge pulse.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
awk 'BEGIN { print "module_id,test_time_second,current_ampere,voltage_volt";
	u1 = 0; dt = 0.1;
	for (m = 1; m <= 2; m++) for (k = 0; k < 1800; k++) {
		t = k * dt;
		i = (t > 10 && t <= 50) ? -50 : (t > 110 && t <= 150) ? 30 : 0;
		u1 = i * 0.004 * m + (u1 - i * 0.004 * m) * exp(-dt / 8);
		if (k == 0) u1 = 0;
		printf "M%d,%.1f,%g,%.9f\n", m, t, i, 3.7 + i * 0.010 * m + u1 } }' \
	>"$TMP/pulse.csv"

run "$BATTGRADE" dcir "$TMP/pulse.csv"
expect_status 0 "table"
# R(t) = 10 + 4 (1 - exp(-t/8)) mohm: 10.47 at 1 s, 12.85 at 10 s, 13.91 at
# 30 s for M1, twice that for M2 (the edge sample is 0.1 s in: 10.05)
expect_out "^M1  *discharge  *10\.05  *10\.47  *12\.85  *13\.91"
expect_out "^M2  *discharge  *20\.1  *20\.9[0-9]*  *25\.7"
expect_out "^M1  *charge"
run "$BATTGRADE" dcir --json --module M1 --times 2,45 --v-min 2.5 "$TMP/pulse.csv"
expect_status 0 "json"
expect_out '"module_id":"M1"'
expect_out '"45":null'
expect_out '"power_method":"hppc_discharge_at_v_min"'
expect_out '"power_capability_w":2[0-9][0-9]\.'
run "$BATTGRADE" dcir --times 1,-2 "$TMP/pulse.csv"
expect_status 64 "negative time"
run "$BATTGRADE" dcir --module M7 "$TMP/pulse.csv"
expect_status 65 "no such module"
printf 'test_time_second,current_ampere,voltage_volt\n0,0,3.7\n1,0,3.7\n' \
	>"$TMP/rest.csv"
run "$BATTGRADE" dcir "$TMP/rest.csv"
expect_status 65 "no pulse"
expect_err "no current"
printf 'test_time_second,current_ampere,voltage_volt\n2,0,3.7\n1,-5,3.6\n' \
	>"$TMP/back.csv"
run "$BATTGRADE" dcir "$TMP/back.csv"
expect_status 65 "time backwards"
expect_err "back.csv:3:1: time goes backwards"
# the fixture pack: 2.4 mohm modules, 1 s samples
run "$BATTGRADE" dcir --json "$SRC/tests/fixtures/packs/good"
expect_status 0 "pack dcir"
expect_out '"module_id":"M03"'
expect_out '"r_ohmic_ohm":0\.002[0-9]'
# V_min from the pack: 4 NMC cells in series, and P = Vmin (OCV - Vmin)/R
expect_out '"v_min_v":10,'
expect_out '"power_method":"hppc_discharge_at_v_min"'
run "$BATTGRADE" dcir --json --v-min 12 --module M01 "$SRC/tests/fixtures/packs/good"
expect_status 0 "pack dcir with --v-min"
expect_out '"v_min_v":12,'
finish
