#!/bin/sh
# --plot writes SVG, PNG or PDF by extension; one file per module when
# several are fitted; an unknown extension is refused.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PACK=$SRC/data/packs/nmc-leaf-8

run "$BATTGRADE" fit capacity --module M08 --plot "$TMP/m08.svg" "$PACK"
expect_status 0 "svg"
checks=$((checks + 1))
head -c 5 "$TMP/m08.svg" | grep -q '<?xml' || fail "svg signature"
run "$BATTGRADE" fit capacity --module M08 --plot "$TMP/m08.png" "$PACK"
checks=$((checks + 1))
head -c 4 "$TMP/m08.png" | grep -q 'PNG' || fail "png signature"
run "$BATTGRADE" fit resistance --module M08 --plot "$TMP/r08.pdf" "$PACK"
expect_status 0 "pdf of a resistance fit"
checks=$((checks + 1))
head -c 4 "$TMP/r08.pdf" | grep -q '%PDF' || fail "pdf signature"

run "$BATTGRADE" fit capacity --plot "$TMP/all.svg" "$PACK"
expect_status 0 "one file per module"
for m in M01 M02 M03 M04 M05 M06 M07 M08; do
	checks=$((checks + 1))
	[ -s "$TMP/all-$m.svg" ] || fail "all-$m.svg"
done
checks=$((checks + 1))
ls "$TMP" | grep -q tmp && fail "temporary file left"

run "$BATTGRADE" fit capacity --module M08 --plot "$TMP/m08.gif" "$PACK"
expect_status 64 "unknown extension"
expect_err "use .svg, .png or .pdf"
run "$BATTGRADE" fit capacity --module M08 --plot "$TMP/no/dir/x.svg" "$PACK"
expect_status 73 "cannot create"
finish
