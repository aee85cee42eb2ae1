#!/bin/sh
# inspect over the bundled sample packs: every pack complete, and the
# counts agree with the files themselves (rows = lines - header).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PACKS=$SRC/data/packs

if ! ls "$PACKS"/*/pack.json >/dev/null 2>&1; then
	echo "no sample packs under $PACKS"
	exit 77
fi
run "$BATTGRADE" inspect "$PACKS"/*
expect_status 0 "sample packs"
expect_empty_err "sample packs"
for d in "$PACKS"/*/; do
	d=${d%/}
	run "$BATTGRADE" inspect "$d"
	expect_out "complete: ready for grading" "${d##*/}"
	n=$(grep -c '"module_id"' "$d/pack.json")
	expect_out ", $n modules" "${d##*/} module count"
	for f in capacity impedance pulse history; do
		[ -f "$d/$f.csv" ] || continue
		rows=$(($(grep -c . "$d/$f.csv") - 1))
		expect_out "^$f.csv  *$f  *$rows " "${d##*/}/$f.csv rows"
	done
done
finish
