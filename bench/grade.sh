#!/bin/sh
# bench/grade: grading speed and memory on generated packs, and the
# agreement of the grades with the generator's truth.
#
# BG_BENCH_GRADE_PACKS (default 10000) packs of 8 modules, each with a
# capacity history, an impedance spectrum and a short BMS log, made by
# data/genpack --many (kept in BG_BENCH_GRADE_DIR if set, so a second
# run reuses them).  Baselines measured in the same run: reading every
# input file once (the I/O floor) and grading with one thread.
#
# BG_BENCH_GRADE_BASELINE=DIR (the build directory of another battgrade,
# e.g. an older commit) also times that one in the same run and compares
# its CSV with this one's, module by module (bench/grade-diff.sh: grade,
# deciding rule, rounded SOH and remaining life).
# BG_BENCH_GRADE_CALLGRIND=K counts instructions per module (valgrind
# --tool=callgrind, grade -j 1 --csv on the first K packs): repeatable
# where CPU times on a shared machine are not.
set -eu
: "${BATTGRADE:?run through make bench}"
: "${BG_TOP_BUILDDIR:?run through make bench}"
N=${BG_BENCH_GRADE_PACKS:-10000}
J=${BG_BENCH_GRADE_JOBS:-2}
GEN=$BG_TOP_BUILDDIR/data/genpack
TIME=/usr/bin/time
if [ -n "${BG_BENCH_GRADE_DIR:-}" ]; then
	DIR=$BG_BENCH_GRADE_DIR
	mkdir -p "$DIR"
	KEEP=1
else
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/bggrade.XXXXXX")
	KEEP=0
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/bggradeout.XXXXXX")
trap '[ "$KEEP" = 1 ] || rm -rf "$DIR"; rm -rf "$OUT"' EXIT

if [ ! -x "$GEN" ]; then
	echo "bench/grade: $GEN not built; skipped"
	exit 0
fi
if [ ! -x "$TIME" ]; then
	echo "bench/grade: $TIME (GNU time) missing; skipped"
	exit 0
fi
if [ "$(cat "$DIR/.packs" 2>/dev/null)" != "$N" ]; then
	rm -rf "$DIR"/many-*
	echo "generating $N packs of 8 modules in $DIR"
	"$GEN" --many "$N" --modules 8 --out "$DIR" >/dev/null
	echo "$N" >"$DIR/.packs"
fi
ls -d "$DIR"/many-* >"$OUT/list"
M=$((N * 8))
echo "packs $N, modules $M, machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# rate LABEL SECONDS: modules per second.
rate() {
	awk -v m="$M" -v s="$2" -v l="$1" \
		'BEGIN { printf "%-34s %8.2f s %10.0f modules/s\n", l, s, m / s }'
}

# run LABEL ARGS...: time one grading run; prints wall time, CPU time
# and peak RSS, keeps stdout in $OUT/last.
run() {
	label=$1
	shift
	"$TIME" -f "%e %U %S %M" -o "$OUT/t" "$@" >"$OUT/last" || true
	read -r wall user sys rss <"$OUT/t"
	rate "$label" "$wall"
	awk -v m="$M" -v u="$user" -v s="$sys" -v r="$rss" \
		'BEGIN { printf "%-34s %8.2f s CPU %7.0f modules/CPU-s, peak RSS %.1f MiB\n", "", u + s, m / (u + s), r / 1024 }'
}

BASE=${BG_BENCH_GRADE_BASELINE:-}
if [ -n "$BASE" ] && [ ! -x "$BASE/battgrade" ]; then
	echo "bench/grade: BG_BENCH_GRADE_BASELINE: no $BASE/battgrade" >&2
	exit 1
fi

"$TIME" -f "%e" -o "$OUT/t" find "$DIR" -name '*.csv' -exec cat {} + \
	-o -name pack.json -exec cat {} + >/dev/null
rate "baseline: read every input once" "$(cat "$OUT/t")"
run "grade -j 1 --csv" "$BATTGRADE" grade -j 1 --csv --from "$OUT/list"
mv "$OUT/last" "$OUT/j1.csv"
run "grade -j $J --csv" "$BATTGRADE" grade -j "$J" --csv --from "$OUT/list"
mv "$OUT/last" "$OUT/jn.csv"
if [ -n "$BASE" ]; then
	run "baseline: grade -j $J --csv" "$BASE/battgrade" grade -j "$J" \
		--csv --from "$OUT/list"
	echo "baseline against this build: $(sh "$(dirname "$0")/grade-diff.sh" \
		"$OUT/last" "$OUT/jn.csv" | tail -n 1)"
fi
run "grade -j $J --json (full JSONL)" "$BATTGRADE" grade -j "$J" --json --from "$OUT/list"
echo "JSONL bytes per module: $(( $(wc -c <"$OUT/last") / M ))"

# instr DIR LABEL: instructions per module of DIR's battgrade.
instr() {
	head -n "$BG_BENCH_GRADE_CALLGRIND" "$OUT/list" >"$OUT/cglist"
	k=$(( $(wc -l <"$OUT/cglist") * 8 ))
	"$1/libtool" --mode=execute valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$1/battgrade" grade -j 1 --csv \
		--from "$OUT/cglist" 2>&1 >/dev/null |
		awk -v k="$k" -v l="$2" '/refs:/ { gsub(",", "", $NF)
			printf "%-34s %8.2f M instructions per module (%d modules)\n",
			       l, $NF / k / 1e6, k }'
}
if [ -n "${BG_BENCH_GRADE_CALLGRIND:-}" ]; then
	if command -v valgrind >/dev/null 2>&1; then
		instr "$BG_TOP_BUILDDIR" "callgrind: grade -j 1 --csv"
		[ -z "$BASE" ] || instr "$BASE" "baseline: callgrind"
	else
		echo "bench/grade: valgrind missing; no instruction counts"
	fi
fi

# Agreement with truth.json, module by module.
awk -F'"' 'FNR == 1 { p = "" } /"pack_id":/ && p == "" { p = $4 }
	/"module_id":/ { m = $4 } /^      "grade":/ { print p "," m "," $4 }' \
	"$DIR"/many-*/truth.json | sort >"$OUT/truth"
cut -d, -f1-3 "$OUT/j1.csv" | grep -v '^pack_id' | sort >"$OUT/got"
awk -F, '{ print $1 ":" $2 "," $3 }' "$OUT/truth" | sort >"$OUT/t1"
awk -F, '{ print $1 ":" $2 "," $3 }' "$OUT/got" | sort >"$OUT/t2"
join -t, -j1 "$OUT/t1" "$OUT/t2" >"$OUT/joined"
awk -F, '{ n++; if ($2 == $3) ok++; else bad[$2 "->" $3]++ }
	END { printf "agreement with truth: %d of %d modules (%.1f %%)\n", ok, n, 100 * ok / n
	      for (k in bad) printf "  truth %s: %d\n", k, bad[k] }' "$OUT/joined" | sort
