#!/bin/sh
# fit impedance: impedance.py's example, JSON keys, templates, weighting,
# bad circuits with their column, usage errors.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
EX="$SRC/tests/fixtures/eis/exampleData.csv"

# impedance.py's documented Randles fit (inductive points ignored, no
# weighting): R0 1.86e-2, R1 1.17e-2, Wo1 6.27e-2 ohm / 221 s, C1 1.17 F
run "$BATTGRADE" fit impedance --drop-inductive --weight unit \
	--circuit 'R0-p(R1-Wo1,C1)' "$EX"
expect_status 0 "example fit"
expect_out "^R0  *0\.0186" "R0"
expect_out "^R1  *0\.0116\|^R1  *0\.0117" "R1"
expect_out "^Wo1_0  *0\.0627" "Wo1_0"
expect_out "^Wo1_1  *22[01]\." "Wo1_1"
expect_out "^C1  *1\.17" "C1"
expect_out "Lin-KK: M [0-9]" "kk line"
expect_empty_err "example fit"

run "$BATTGRADE" fit impedance --json --drop-inductive --circuit randles "$EX"
expect_status 0 "json"
for k in '"module_id"' '"circuit":"R0-p(R1-Wo1,C1)"' '"params"' \
	'"std_error"' '"chi2_dof"' '"kk":{"mu"' '"max_residual"' \
	'"valid":true' '"status":"ok"' '"residuals"'; do
	expect_out "$k" "json key $k"
done

# a bad circuit names the column of the offending character
run "$BATTGRADE" fit impedance --circuit 'R0-p(R1,X1)' "$EX"
expect_status 64 "bad circuit"
expect_err "^circuit:1:9: unknown element type"
run "$BATTGRADE" fit impedance --circuit 'R0-p(R1,C1' "$EX"
expect_status 64 "unclosed"
expect_err "circuit:1:11:"
run "$BATTGRADE" fit impedance --circuit no-such-template "$EX"
expect_status 64 "unknown template"
expect_err "no-such-template"

run "$BATTGRADE" fit impedance --weight square "$EX"
expect_status 64 "bad weighting"
run "$BATTGRADE" fit impedance --guess 1,2 --circuit randles "$EX"
expect_status 64 "guess count"
expect_err "5 parameters"
run "$BATTGRADE" fit impedance --drop-inductive --circuit randles \
	--guess 0.02,0.01,0.05,100,1 --weight unit "$EX"
expect_status 0 "guess"
expect_out "^C1  *1\.17"
run "$BATTGRADE" fit impedance
expect_status 64 "no operand"
run "$BATTGRADE" fit impedance "$TMP/missing.csv"
expect_status 66 "missing file"
printf 'frequency_Hz,z_real_ohm,z_imag_ohm\n10,0.1,-0.01\n-1,0.1,-0.01\n' \
	>"$TMP/neg.csv"
run "$BATTGRADE" fit impedance "$TMP/neg.csv"
expect_status 65 "negative frequency"
expect_err "neg.csv:3:1: frequency must be positive"
# Nyquist and Bode panels, written atomically; unknown formats refused.
# (fontconfig keeps its font cache until exit: not a leak of ours, but
# a sanitizer build reports it)
LSAN_OPTIONS="suppressions=$SRC/tests/fixtures/eis/lsan-fontconfig.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
run "$BATTGRADE" fit impedance --drop-inductive --circuit randles \
	--plot "$TMP/fit.png" "$EX"
expect_status 0 "plot"
checks=$((checks + 1))
[ "$(od -An -c -N4 "$TMP/fit.png" | tr -d ' ')" = "211PNG" ] ||
	fail "PNG written"
run "$BATTGRADE" fit impedance --plot "$TMP/fit.svg" "$EX"
expect_status 0 "svg plot"
checks=$((checks + 1))
grep -q "<svg" "$TMP/fit.svg" || fail "SVG written"
run "$BATTGRADE" fit impedance --plot "$TMP/fit.gif" "$EX"
expect_status 64 "unknown plot format"
expect_err "plot format unknown"
checks=$((checks + 1))
[ ! -e "$TMP/fit.gif" ] || fail "no file for an unknown format"

run "$BATTGRADE" fit impedance --help
expect_status 0 "--help"
expect_out "usage: battgrade fit impedance"
expect_out "--weight"
finish
