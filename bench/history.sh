#!/bin/sh
# bench/history.sh - battgrade history over a generated 10-million-row
# BMS log, against a bare libcsv pass (bench/csvbare: csv_parse() with
# empty callbacks, one thread), mawk summing one column and, where
# Debian's python3-pandas is installed, pandas.read_csv summing one
# column, all in the same run on the same file.  battgrade runs with -j 1 and -j 2 (the
# default on two cores).  The programs take turns, $BG_BENCH_REPEAT
# rounds (default 5), so that a change of load on a shared machine
# hits them alike; for each: median wall time and median CPU time
# (user + sys), rows/s and MB/s by both, peak RSS; the load average
# before and after.  Then whether the targets hold: history -j 2 at
# least 90 % of the bare pass's rate by wall time (the issue's figure;
# also given by CPU time) and peak RSS under 16 MiB.  Both programs are
# built with the project's CFLAGS (-O2) against the same libcsv.
#
#   make bench                       # all benchmarks
#   BG_BENCH_ROWS=1000000 sh bench/history.sh   # a smaller file
#   BG_BENCH_CALLGRIND=1 ...         # also instructions per row
set -eu
: "${BATTGRADE:?run through make bench}"
: "${BG_TOP_BUILDDIR:?run through make bench}"
ROWS=${BG_BENCH_ROWS:-10000000}
REPEAT=${BG_BENCH_REPEAT:-5}
B=$BG_TOP_BUILDDIR/bench
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bg-history-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
LOG=$DIR/history.csv
H="history --json --chemistry NMC --nominal-capacity-ah 40 --cells-series 12"

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time"; exit 1; }
"$B/genhistory" "$ROWS" >"$LOG"
BYTES=$(wc -c <"$LOG")
cat "$LOG" >/dev/null # in the page cache for every program alike
echo "file: $ROWS rows, $BYTES bytes ($(uname -m), $(nproc) cores)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# one NAME CMD...: run once; append "wall cpu rss_kib" to $DIR/NAME.
one() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$DIR/t" "$@" >"$DIR/out.$name"
	read -r w u s m <"$DIR/t"
	echo "$w $(awk "BEGIN{print $u + $s}") $m" >>"$DIR/$name"
}

NAMES="bare j1 j2"
command -v mawk >/dev/null && NAMES="$NAMES mawk"
PY=${BG_BENCH_PYTHON:-/usr/bin/python3}
if "$PY" -c 'import pandas' 2>/dev/null; then
	NAMES="$NAMES pandas"
else
	echo "pandas not importable by $PY: its column sum is left out"
fi
for n in $NAMES; do : >"$DIR/$n"; done
: >"$DIR/rounds"
for i in $(seq "$REPEAT"); do
	one bare "$B/csvbare" "$LOG"
	one j1 "$BATTGRADE" $H -j 1 "$LOG"
	one j2 "$BATTGRADE" $H -j 2 "$LOG"
	case $NAMES in *mawk*)
		one mawk mawk -F, 'NR > 1 { s += $2 } END { print s }' "$LOG"
	esac
	case $NAMES in *pandas*)
		# the C engine, one column parsed: pandas at its fastest
		one pandas "$PY" -c 'import sys, pandas
print(pandas.read_csv(sys.argv[1], usecols=[1], engine="c").iloc[:, 0].sum())' "$LOG"
	esac
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
for j in j1 j2; do
	grep -q '"rows":[[:space:]]*'"$ROWS" "$DIR/out.$j" ||
		{ echo "battgrade history -$j did not read every row"; exit 1; }
done
cmp -s "$DIR/out.j1" "$DIR/out.j2" ||
	{ echo "battgrade history -j 1 and -j 2 reports differ"; exit 1; }

# median COLUMN FILE
median() {
	cut -d' ' -f"$1" "$2" | sort -n | awk '{v[NR] = $1} END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '%-34s %7s %7s %7s %9s %9s %7s %7s %8s\n' program "wall s" "best" \
	"CPU s" "rows/s" "rows/s" "MB/s" "MB/s" "peak RSS"
printf '%-34s %7s %7s %7s %9s %9s %7s %7s %8s\n' "(median of $REPEAT)" "" \
	"wall s" "" "(wall)" "(CPU)" "(wall)" "(CPU)" "MiB"
for n in $NAMES; do
	w=$(median 1 "$DIR/$n")
	bw=$(cut -d' ' -f1 "$DIR/$n" | sort -n | head -1)
	c=$(median 2 "$DIR/$n")
	m=$(sort -n -k3 "$DIR/$n" | tail -1 | cut -d' ' -f3)
	case $n in
	bare) label="bare libcsv pass (csvbare)" ;;
	j1) label="battgrade history --json -j 1" ;;
	j2) label="battgrade history --json -j 2" ;;
	mawk) label="mawk column sum" ;;
	pandas) label="pandas read_csv column sum" ;;
	esac
	awk -v l="$label" -v w="$w" -v bw="$bw" -v c="$c" -v m="$m" \
		-v r="$ROWS" -v b="$BYTES" 'BEGIN {
		printf "%-34s %7.2f %7.2f %7.2f %8.2fM %8.2fM %7.0f %7.0f %8.1f\n",
			l, w, bw, c, r / w / 1e6, r / c / 1e6, b / w / 1e6,
			b / c / 1e6, m / 1024 }'
	eval "${n}_wall=$w ${n}_best=$bw ${n}_cpu=$c ${n}_rss=$m"
	echo "$label: wall times $(cut -d' ' -f1 "$DIR/$n" | tr '\n' ' ')" \
		>>"$DIR/rounds"
done

cat "$DIR/rounds"
awk -v bw="$bare_wall" -v bc="$bare_cpu" -v w1="$j1_wall" -v c1="$j1_cpu" \
	-v w2="$j2_wall" -v c2="$j2_cpu" -v rss="$j2_rss" \
	-v bb="$bare_best" -v b2="$j2_best" 'BEGIN {
	printf "history -j 2 rate / bare libcsv rate: %.0f %% by median wall time (target >= 90 %%: %s), %.0f %% by best wall time, %.0f %% by CPU time\n",
		100 * bw / w2, (bw / w2 >= 0.9 ? "met" : "MISSED"), 100 * bb / b2,
		100 * bc / c2
	printf "history -j 1 rate / bare libcsv rate: %.0f %% by wall time, %.0f %% by CPU time\n",
		100 * bw / w1, 100 * bc / c1
	printf "history -j 2 peak RSS %.1f MiB; target < 16 MiB: %s\n",
		rss / 1024, (rss < 16384 ? "met" : "MISSED") }'

# Instructions per row (repeatable where timings are not), on the
# first 200,000 rows: -j 1 and the bare pass.
if [ -n "${BG_BENCH_CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
	head -n 200001 "$LOG" >"$DIR/small.csv"
	for p in bare j1; do
		if [ $p = bare ]; then set -- "$B/csvbare" "$DIR/small.csv"
		else set -- "$BATTGRADE" $H -j 1 "$DIR/small.csv"; fi
		"$BG_TOP_BUILDDIR/libtool" --mode=execute valgrind \
			--tool=callgrind --callgrind-out-file="$DIR/cg" "$@" \
			>/dev/null 2>"$DIR/vg"
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$DIR/vg" |
			awk -v p=$p '{ printf "%s: %.0f instructions/row\n", p, $1 / 200000 }'
	done
fi
