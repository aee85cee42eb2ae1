#!/bin/sh
# history and dcir take cycler time series directly (Maccor, Arbin,
# BDF with labels): found by content or --format, the figures are those
# of the file converted to battgrade's CSV, and the numbers come from
# the file as printed.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
F=$SRC/tests/fixtures/formats
H="--chemistry NMC --nominal-capacity-ah 4.8"

# history: the same JSON as for the converted log, file by file
for f in xTESLADIAG_000019_CH70.head114.070 \
	PreDiag_000229_000229_truncated.head22.034 \
	arbin_test-TC-contact_CH33.head51.csv sample.bdf.csv; do
	run "$BATTGRADE" convert --to csv "$F/$f"
	expect_status 0 "convert $f"
	cp "$TMP/out" "$TMP/conv.csv"
	run "$BATTGRADE" history --json $H "$TMP/conv.csv"
	expect_status 0 "history of converted $f"
	grep -v '"source"' "$TMP/out" >"$TMP/a.json"
	run "$BATTGRADE" history --json $H "$F/$f"
	expect_status 0 "history $f"
	grep -v '"source"' "$TMP/out" >"$TMP/b.json"
	checks=$((checks + 1))
	cmp -s "$TMP/a.json" "$TMP/b.json" || fail "history $f differs from its conversion"
done

# Maccor discharge throughput: the trapezoid over the D rows of the file
# (Test (Sec) column 4, Amps column 8, State column 10; lines 3-114)
want=$(awk -F'\t' 'NR > 2 { i = $10 == "D" ? -($8 < 0 ? -$8 : $8) : \
	($10 == "C" ? ($8 < 0 ? -$8 : $8) : $8); \
	if (NR > 3) { a = (i0 + i) / 2; if (a < 0) d -= a * ($4 - t0) } \
	t0 = $4; i0 = i } END { printf "%.3f", d / 3600 }' \
	"$F/xTESLADIAG_000019_CH70.head114.070")
run "$BATTGRADE" history --verbose $H "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 0 "history maccor"
expect_out "discharge throughput (Ah) *$want" "Maccor discharge Ah = awk's $want"
expect_err "format maccor (Maccor text export)"
expect_err "current signed by State"
expect_err "46 negative, 0 positive"

# --format forces; a spectrum format is a usage error
run "$BATTGRADE" history --format maccor $H "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 0 "history --format maccor"
run "$BATTGRADE" history --format gamry $H "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 64 "history --format gamry"
run "$BATTGRADE" history --format maccor $H "$F/arbin_test-TC-contact_CH33.head51.csv"
expect_status 65 "arbin read as maccor"
expect_err "arbin_test-TC-contact_CH33.head51.csv:1:1: Maccor export with unknown column 'Data_Point,"

# dcir: the discharge edge of the Maccor file, from its lines 4 and 5
# (rest 3.45853361 V, then 3.26169223 V at -9.0750743877 A)
want=$(awk -F'\t' 'NR == 4 { v0 = $9 } NR == 5 { \
	printf "%.6g", (v0 - $9) / -$8 * 1000 }' \
	"$F/xTESLADIAG_000019_CH70.head114.070")
run "$BATTGRADE" dcir --verbose "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 0 "dcir maccor"
expect_out "discharge *$(printf '%.4g' "$want")" "R_ohmic = awk's $want mohm"
expect_err "format maccor"
run "$BATTGRADE" convert --as pulse --to csv "$F/xTESLADIAG_000019_CH70.head114.070"
cp "$TMP/out" "$TMP/pulse.csv"
run "$BATTGRADE" dcir --json "$TMP/pulse.csv"
cp "$TMP/out" "$TMP/a.json"
run "$BATTGRADE" dcir --json --format maccor "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 0 "dcir --format maccor"
checks=$((checks + 1))
cmp -s "$TMP/a.json" "$TMP/out" || fail "dcir of the file differs from its pulse.csv"
run "$BATTGRADE" dcir --format plain "$F/xTESLADIAG_000019_CH70.head114.070"
expect_status 64 "dcir --format plain"
finish
