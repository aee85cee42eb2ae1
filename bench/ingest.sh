#!/bin/sh
# bench/ingest.sh - throughput and peak memory of "battgrade inspect"
# over a generated 10-million-row history.csv, against mawk summing one
# column of the same file in the same run (the everyday baseline).
#
# Usage (through "make bench", or directly):
#	BATTGRADE=./battgrade BG_TOP_BUILDDIR=. sh bench/ingest.sh [ROWS]
set -eu
ROWS=${1:-10000000}
: "${BATTGRADE:=./battgrade}"
GEN=${BG_TOP_BUILDDIR:-.}/bench/genhist
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bgbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
F=$TMP/history.csv

"$GEN" "$ROWS" >"$F"
BYTES=$(wc -c <"$F")
cat "$F" >/dev/null    # same page-cache state for both readers

# measure NAME CMD...: best of three runs of CMD: wall seconds, CPU
# seconds (user + system) and peak RSS.  The machine is shared, so the
# best run is the one least disturbed; CPU time is the fairer figure.
measure() {
	name=$1
	shift
	: >"$TMP/times"
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" \
			>"$TMP/out" 2>"$TMP/err" ||
			{ echo "$name failed:"; cat "$TMP/err"; exit 1; }
		cat "$TMP/time" >>"$TMP/times"
	done
	awk -v n="$name" -v b="$BYTES" -v r="$ROWS" '
		{ cpu = $2 + $3; if (NR == 1 || $1 < w) w = $1;
		  if (NR == 1 || cpu < c) c = cpu; rss[NR] = $4 }
		END { if (w <= 0) w = 0.01; if (c <= 0) c = 0.01;
		# median of three: getrusage has been seen to report a
		# spurious multi-GiB peak once in a while on this machine
		k = rss[1] + rss[2] + rss[3] - (rss[1] > rss[2] ? (rss[1] > rss[3] ? rss[1] : rss[3]) : (rss[2] > rss[3] ? rss[2] : rss[3])) - (rss[1] < rss[2] ? (rss[1] < rss[3] ? rss[1] : rss[3]) : (rss[2] < rss[3] ? rss[2] : rss[3]));
		if (n ~ /1-row/) {
			printf "%-22s wall %6.2f s  (start-up and libraries only)  peak RSS %5.1f MiB\n", n, w, k / 1024
			exit
		}
		printf "%-22s wall %6.2f s  cpu %6.2f s  %6.1f MB/s  %5.2f Mrows/s (per cpu s)  peak RSS %5.1f MiB\n",
		n, w, c, b / 1e6 / c, r / 1e6 / c, k / 1024 }' "$TMP/times"
}

echo "history.csv: $ROWS rows, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
head -2 "$F" >"$TMP/one.csv"
measure "inspect, 1-row file" "$BATTGRADE" inspect "$TMP/one.csv"
measure "battgrade inspect" "$BATTGRADE" inspect "$F"
grep -q "history  *$ROWS " "$TMP/out" || { echo "inspect miscounted:"; cat "$TMP/out"; exit 1; }
measure "mawk (sum one column)" mawk -F, 'NR > 1 { s += $2 } END { print s }' "$F"
