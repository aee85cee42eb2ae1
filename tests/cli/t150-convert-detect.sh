#!/bin/sh
# battgrade convert --detect: every real example file is recognised by
# its content, whatever its name; other files are refused by name.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
FX=$SRC/tests/fixtures/formats

while read -r file fmt; do
	run "$BATTGRADE" convert --detect "$FX/$file"
	expect_status 0 "$file"
	expect_out "	$fmt	" "$file is $fmt"
done <<'LIST'
exampleData.csv plain
exampleDataAutolab.txt autolab
exampleDataBioLogic.mpt biologic
exampleDataBioLogic_MissingFreq.mpt biologic
exampleDataCHInstruments.txt chi
exampleDataGamry.DTA gamry
exampleDataGamryABORT.DTA gamry
exampleDataParstat.txt parstat
exampleDataPowersuite.txt powersuite
exampleDataVersaStudio.par versastudio
exampleDataZPlot.z zplot
exampleDataZPlot_noComments.z zplotw
Circuit1_EIS_1.z zplot
Circuit3_EIS_1.z zplot
sample.bdf.csv bdf
SINTEF__LiGrR2032__Landt.head400.bdf.csv bdf
SINTEF__SLPBA842124HV__Neware__Time_Bug.head800.bdf.csv bdf
arbin_test-TC-contact_CH33.head51.csv arbin
LIST

# Content, not the name: a BioLogic export called .DTA, a Gamry file
# called .csv.
cp "$FX/exampleDataBioLogic.mpt" "$TMP/looks-like.DTA"
cp "$FX/exampleDataGamry.DTA" "$TMP/looks-like.csv"
run "$BATTGRADE" convert --detect "$TMP/looks-like.DTA" "$TMP/looks-like.csv"
expect_status 0 "renamed files"
expect_out "looks-like.DTA	biologic	BioLogic .mpt"
expect_out "looks-like.csv	gamry	Gamry .DTA"

# Not a format: named with its first line, exit 65; the others still
# detected.
run "$BATTGRADE" convert --detect "$FX/LICENSE.impedance.py" "$FX/sample.bdf.csv"
expect_status 65 "licence text"
expect_err "LICENSE.impedance.py:1:1: unknown format: .*first line 'MIT License'"
expect_out "sample.bdf.csv	bdf"
run "$BATTGRADE" convert --detect "$TMP/missing.DTA"
expect_status 66 "missing file"
expect_err "missing.DTA: cannot open"
printf 'x\0y\n' >"$TMP/bin.dat"
run "$BATTGRADE" convert --detect "$TMP/bin.dat"
expect_status 65 "binary"
expect_err "binary data"
finish
