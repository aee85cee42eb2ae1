#!/bin/sh
# bench/genpack-convert.sh - the data and formats areas' figures:
#  1. data/genpack --history-rows 10000000: rows/s, MB/s, peak RSS,
#     against mawk printing the same number of 5-field rows;
#  2. battgrade convert --to csv on that file (read as BDF CSV, streamed):
#     rows/s, MB/s, peak RSS, against mawk summing one column;
#  3. data/genpack --many 1000 (the grading benchmark's packs): packs/s.
# Prints the figures; bench/README.md keeps them.
set -eu
: "${BATTGRADE:?run through make bench}"
: "${BG_TOP_BUILDDIR:?run through make bench}"
GENPACK=$BG_TOP_BUILDDIR/data/genpack
ROWS=${BG_BENCH_ROWS:-10000000}
W=$(mktemp -d "${TMPDIR:-/tmp}/bgbench.XXXXXX")
trap 'rm -rf "$W"' EXIT

# wall seconds, CPU seconds (user + system) and peak RSS (KiB) of a
# command, via GNU time; the machine is shared, so rates are per CPU s
measure() {	# label command...
	label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$W/time" "$@" >"$W/stdout"
	read -r secs usr sys rss <"$W/time"
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
	echo "$label: wall ${secs} s, CPU ${cpu} s, peak RSS ${rss} KiB"
	secs=$cpu
}

rate() {	# label seconds bytes rows
	awk -v l="$1" -v s="$2" -v b="$3" -v r="$4" 'BEGIN {
		printf "%s: %.0f rows/s, %.1f MB/s per CPU second\n", l, r / s,
	       b / s / 1e6 }'
}

measure "genpack --history-rows $ROWS" \
	"$GENPACK" --seed 1 --kind nmc --modules 8 --history-rows "$ROWS" \
	--out "$W/big"
g_secs=$secs
bytes=$(wc -c <"$W/big/history.csv")
rate "  genpack" "$g_secs" "$bytes" "$ROWS"
measure "mawk printing $ROWS rows (baseline)" mawk -v n="$ROWS" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "%d,%.2f,%.2f,%.1f,%.1f\n", 1700000000 + 60 * i,
		       -20 + (i % 40), 350 + (i % 7) / 10, 25 + (i % 5) / 10,
		       50 + (i % 50) / 10 }'
rate "  mawk" "$secs" "$bytes" "$ROWS"

measure "battgrade convert --to csv ($ROWS rows)" \
	"$BATTGRADE" convert --to csv "$W/big/history.csv"
rate "  convert" "$secs" "$bytes" "$ROWS"
measure "mawk summing current_ampere (baseline)" \
	mawk -F, 'NR > 1 { s += $2 } END { print s }' "$W/big/history.csv"
rate "  mawk" "$secs" "$bytes" "$ROWS"

measure "genpack --many 1000" "$GENPACK" --seed 1 --many 1000 --out "$W/many"
awk -v s="$secs" 'BEGIN { printf "  genpack --many: %.0f packs (%.0f modules) per CPU second\n", 1000 / s, 8000 / s }'
echo "  size of 1000 packs: $(du -sk "$W/many" | cut -f1) KiB"
