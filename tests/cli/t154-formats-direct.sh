#!/bin/sh
# The impedance commands take instrument exports directly: the format
# is found by content, and the spectrum they fit is the one convert
# extracts (same number of points).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
F=$SRC/tests/fixtures/formats

for f in exampleDataGamry.DTA exampleDataBioLogic.mpt exampleDataZPlot.z \
	exampleDataAutolab.txt exampleDataVersaStudio.par \
	exampleDataCHInstruments.txt exampleDataPowersuite.txt; do
	run "$BATTGRADE" convert --to csv "$F/$f"
	expect_status 0 "convert $f"
	n=$(($(wc -l <"$TMP/out") - 1))
	run "$BATTGRADE" kk --json "$F/$f"
	checks=$((checks + 1))
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ] || fail "kk $f exit $status"
	expect_out "\"n_points\":$n," "kk $f reads all $n points"
	run "$BATTGRADE" fit impedance --json --circuit randles-cpe "$F/$f"
	checks=$((checks + 1))
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ] || fail "fit $f exit $status"
	expect_out '"circuit":"R0-p(R1-Wo1,CPE1)"' "fit $f"
done

# ZPlot's Circuit1 run is a clean measurement of a test circuit: it
# passes Lin-KK with the verbose report naming the format.
run "$BATTGRADE" --verbose kk "$F/Circuit1_EIS_1.z"
expect_status 0 "kk Circuit1"
expect_err "read as ZPlot .z"

# A file that only looks like an export fails with its location.
run "$BATTGRADE" kk "$F/exampleDataBioLogic_MissingFreq.mpt"
expect_status 65 "MissingFreq"
expect_err "exampleDataBioLogic_MissingFreq.mpt:"
finish
