#!/bin/sh
# battgrade convert --to pack: assembles and extends a pack directory,
# atomically, never over different data; --to csv prints the converted
# data; usage errors.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
FX=$SRC/tests/fixtures/formats
P=$TMP/pack-a

# A new pack from a Gamry file; options may follow the files.
run "$BATTGRADE" convert "$FX/exampleDataGamry.DTA" --to pack --module M01 "$P"
expect_status 0 "new pack"
expect_err "created $P/pack.json; .*fill them in: chemistry"
checks=$((checks + 1))
grep -q '"pack_id":	"pack-a"' "$P/pack.json" &&
	grep -q '"module_id":	"M01"' "$P/pack.json" || fail "pack.json"
checks=$((checks + 1))
[ "$(wc -l <"$P/impedance.csv")" -eq 73 ] || fail "72 points + header"
checks=$((checks + 1))
[ "$(sed -n 2p "$P/impedance.csv")" = "M01,200015.6,825.8584,-1367.239" ] &&
	[ "$(tail -1 "$P/impedance.csv")" = "M01,0.0158898,17007.49,-6635.557" ] ||
	fail "first/last point as printed in the .DTA"
cp "$P/impedance.csv" "$TMP/before.csv"

# Again: same data, nothing changes.
run "$BATTGRADE" convert --to pack -m M01 "$FX/exampleDataGamry.DTA" "$P"
expect_status 0 "same again"
expect_err "module 'M01' already there with the same data; unchanged"
# Other data for the same module: refused, file untouched.
run "$BATTGRADE" convert --to pack -m M01 "$FX/exampleDataBioLogic.mpt" "$P"
expect_status 65 "different data"
expect_err "impedance.csv: already holds different data for module 'M01' (72 rows, converting gives 43); nothing written"
checks=$((checks + 1))
cmp -s "$P/impedance.csv" "$TMP/before.csv" || fail "impedance.csv changed"
# Another module: appended; the manifest is not edited, but we say so.
run "$BATTGRADE" convert --to pack -m M02 "$FX/exampleDataBioLogic.mpt" "$P"
expect_status 0 "second module"
expect_err "pack.json does not list module 'M02': add it before grading"
checks=$((checks + 1))
[ "$(grep -c '^M02,' "$P/impedance.csv")" -eq 43 ] &&
	grep -q '^M02,1000.3201,65.470886,-0.38998979$' "$P/impedance.csv" ||
	fail "BioLogic -Im(Z) converted to Im Z"
checks=$((checks + 1))
head -73 "$P/impedance.csv" | cmp -s - "$TMP/before.csv" || fail "M01 rows kept"

# BDF: pulse and history.
run "$BATTGRADE" convert --as pulse --to pack -m M01 "$FX/sample.bdf.csv" "$P"
expect_status 0 "pulse"
checks=$((checks + 1))
[ "$(cat "$P/pulse.csv")" = "module_id,test_time_second,current_ampere,voltage_volt
M01,0,0.1,3.7
M01,1,0.1,3.6
M01,2,0.1,3.5" ] || fail "pulse.csv from labelled BDF"
run "$BATTGRADE" convert --to pack --verbose "$FX/SINTEF__LiGrR2032__Landt.head400.bdf.csv" "$P"
expect_status 0 "history"
expect_err "column 'step_index' not used"
expect_err "399 rows"
checks=$((checks + 1))
[ "$(head -1 "$P/history.csv")" = "test_time_second,current_ampere,voltage_volt,ambient_temperature_celsius" ] &&
	[ "$(sed -n 2p "$P/history.csv")" = "0.020,0.0000,2.9215,0" ] &&
	[ "$(wc -l <"$P/history.csv")" -eq 400 ] || fail "history.csv"
cp "$P/history.csv" "$TMP/hist.csv"
run "$BATTGRADE" convert --to pack "$FX/SINTEF__LiGrR2032__Landt.head400.bdf.csv" "$P"
expect_status 0 "history again"
expect_err "same data already there; unchanged"
run "$BATTGRADE" convert --to pack "$FX/sample.bdf.csv" "$P"
expect_status 65 "other history"
expect_err "history.csv: exists with different data; nothing written"
checks=$((checks + 1))
cmp -s "$P/history.csv" "$TMP/hist.csv" || fail "history.csv changed"

# An Arbin export as a pulse record: numbers copied as printed.
run "$BATTGRADE" convert --as pulse --to pack -m M03 "$FX/arbin_test-TC-contact_CH33.head51.csv" "$P"
expect_status 0 "Arbin pulse"
checks=$((checks + 1))
[ "$(grep -c '^M03,' "$P/pulse.csv")" -eq 50 ] &&
	grep -q '^M03,0,6.600444793701172,3.298668384552002$' "$P/pulse.csv" ||
	fail "Arbin rows in pulse.csv"

# Time that runs backwards: reported with its line, nothing written, no
# temporary file left behind.
Q=$TMP/pack-b
run "$BATTGRADE" convert --to pack "$FX/SINTEF__SLPBA842124HV__Neware__Time_Bug.head800.bdf.csv" "$Q"
expect_status 65 "Neware time bug"
expect_err "Time_Bug.head800.bdf.csv:724:1: test_time_second goes backwards from 7200 at line 723 to 0: it restarts at zero"
checks=$((checks + 1))
[ ! -e "$Q/history.csv" ] && [ -z "$(ls -A "$Q" | grep -v '^pack.json$')" ] ||
	fail "files left after a failed conversion: $(ls -A "$Q")"

# A near-miss names format, column and line.
sed 's/|Z|\/Ohm/xyz/' "$FX/exampleDataBioLogic.mpt" >"$TMP/near.mpt"
run "$BATTGRADE" convert --to csv "$TMP/near.mpt"
expect_status 65 "unknown column"
expect_err "near.mpt:61:30: BioLogic .mpt with unknown column 'xyz' at line 61"
run "$BATTGRADE" convert --to csv "$FX/exampleDataBioLogic_MissingFreq.mpt"
expect_status 65 "MissingFreq"
expect_err "MissingFreq.mpt:61:1: BioLogic .mpt without a frequency column at line 61"

# --to csv, --format, --verbose.
run "$BATTGRADE" convert --to csv -v "$FX/exampleDataBioLogic.mpt"
expect_status 0 "csv"
expect_out "^frequency_hertz,real_impedance_ohm,imaginary_impedance_ohm$"
expect_out "^1000.3201,65.470886,-0.38998979$"
expect_err "format biologic (BioLogic .mpt)"
expect_err "'-Im(Z)/Ohm' -> imaginary_impedance_ohm (sign flipped)"
run "$BATTGRADE" convert --to csv --format plain "$FX/exampleData.csv"
expect_status 0 "--format plain"
expect_out "^0.0031623,0.0494998977640506,-0.020438698544418925$"
run "$BATTGRADE" convert --to csv --format biologic "$FX/exampleDataGamry.DTA"
expect_status 65 "--format overrides detection"
expect_err "BioLogic .mpt without 'Nb header lines' on line 2"

# Nothing is created when an input is missing or of no known format.
run "$BATTGRADE" convert --to pack -m M01 "$FX/exampleDataGamry.DTA" "$TMP/missing.DTA" "$TMP/pack-d"
expect_status 66 "missing input"
expect_err "missing.DTA: cannot open"
checks=$((checks + 1))
[ ! -e "$TMP/pack-d" ] || fail "pack-d created for a failed conversion"
: >"$TMP/empty.txt"
run "$BATTGRADE" convert --to csv "$TMP/empty.txt"
expect_status 65 "empty file"
expect_err "empty.txt: empty file"

# Usage.
run "$BATTGRADE" convert --detect
expect_status 64 "--detect without files"
run "$BATTGRADE" convert --to pack "$FX/exampleDataGamry.DTA" "$TMP/pack-c"
expect_status 64 "spectrum without --module"
expect_err "say which with --module ID"
run "$BATTGRADE" convert "$FX/exampleDataGamry.DTA"
expect_status 64 "no --to"
expect_err "usage: battgrade convert"
run "$BATTGRADE" convert --to xyz "$FX/exampleDataGamry.DTA"
expect_status 64 "bad --to"
run "$BATTGRADE" convert --format xyz --to csv "$FX/exampleDataGamry.DTA"
expect_status 64 "bad --format"
run "$BATTGRADE" convert --help
expect_status 0 "--help"
expect_out "^usage: battgrade convert \[--detect\]"
expect_out "--module ID"

# Extending a sample pack: a module it has is refused, a new one added.
cp -r "$SRC/data/packs/nmc-leaf-8" "$TMP/leaf"
chmod -R u+w "$TMP/leaf"
run "$BATTGRADE" convert --to pack -m M01 "$FX/exampleDataGamry.DTA" "$TMP/leaf"
expect_status 65 "sample pack M01"
run "$BATTGRADE" convert --to pack -m M09 "$FX/exampleDataGamry.DTA" "$TMP/leaf"
expect_status 0 "sample pack M09"
expect_err "does not list module 'M09'"
checks=$((checks + 1))
[ "$(grep -c '^M09,' "$TMP/leaf/impedance.csv")" -eq 72 ] &&
	grep -q '^M09,200015.6,825.8584,-1367.239,,$' "$TMP/leaf/impedance.csv" ||
	fail "rows in the pack's column order"
finish
