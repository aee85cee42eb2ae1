#!/bin/sh
# bench/history.sh - battgrade history over a generated 10-million-row
# BMS log, against a bare libcsv pass (bench/csvbare: csv_parse() with
# empty callbacks) and mawk summing one column, all in the same run on
# the same file.  Prints CPU seconds (median of $BG_BENCH_REPEAT runs,
# default 3), rows/s and MB/s per CPU second, the best wall time and
# peak RSS of each, and whether the targets (>= 90 % of the bare libcsv
# rate in CPU time, peak RSS < 16 MiB) are met.  Both programs are
# built with the project's CFLAGS (-O2) against the same libcsv.
#
#   make bench                       # all benchmarks
#   BG_BENCH_ROWS=1000000 sh bench/history.sh   # a smaller file
set -eu
: "${BATTGRADE:?run through make bench}"
: "${BG_TOP_BUILDDIR:?run through make bench}"
ROWS=${BG_BENCH_ROWS:-10000000}
REPEAT=${BG_BENCH_REPEAT:-3}
B=$BG_TOP_BUILDDIR/bench
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bg-history-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
LOG=$DIR/history.csv

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time"; exit 1; }
"$B/genhistory" "$ROWS" >"$LOG"
BYTES=$(wc -c <"$LOG")
echo "file: $ROWS rows, $BYTES bytes ($(uname -m), $(nproc) cores)"

# best NAME CMD...: run REPEAT times; keep the fastest wall time and
# the median CPU time (user + sys, from getrusage via /usr/bin/time):
# on a shared machine CPU time is the figure to compare.
best() {
	name=$1
	shift
	bw=
	: >"$DIR/cpus"
	for i in $(seq "$REPEAT"); do
		/usr/bin/time -f '%e %U %S %M' -o "$DIR/t" "$@" >"$DIR/out"
		read -r w u s m <"$DIR/t"
		awk "BEGIN{print $u + $s}" >>"$DIR/cpus"
		if [ -z "$bw" ] || awk "BEGIN{exit !($w < $bw)}"; then
			bw=$w bm=$m
		fi
	done
	bc=$(sort -n "$DIR/cpus" | awk '{v[NR] = $1} END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	awk -v n="$name" -v w="$bw" -v c="$bc" -v m="$bm" \
		-v rows="$ROWS" -v bytes="$BYTES" 'BEGIN {
		printf "%-28s %6.2f s wall %6.2f s cpu %9.0f rows/s %7.1f MB/s (cpu) %7.1f MiB RSS\n",
			n, w, c, rows / c, bytes / c / 1e6, m / 1024 }'
	eval "${name%% *}_wall=$bw; ${name%% *}_cpu=$bc; ${name%% *}_rss=$bm"
}

best "bare libcsv pass" "$B/csvbare" "$LOG"
best "history battgrade history" "$BATTGRADE" history --json \
	--chemistry NMC --nominal-capacity-ah 40 --cells-series 12 "$LOG"
grep -q '"rows":[[:space:]]*'"$ROWS" "$DIR/out" ||
	{ echo "battgrade history did not read every row"; exit 1; }
if command -v mawk >/dev/null; then
	best "mawk mawk column sum" mawk -F, 'NR > 1 { s += $2 } END { print s }' "$LOG"
fi

awk -v bw="$bare_wall" -v hw="$history_wall" -v bc="$bare_cpu" \
	-v hc="$history_cpu" -v rss="$history_rss" 'BEGIN {
	printf "history rate / bare libcsv rate: %.0f %% (cpu), %.0f %% (wall); target >= 90 %% (cpu): %s\n",
		100 * bc / hc, 100 * bw / hw, (bc / hc >= 0.9 ? "met" : "MISSED")
	printf "history peak RSS %.1f MiB; target < 16 MiB: %s\n", rss / 1024,
		(rss < 16384 ? "met" : "MISSED") }'
