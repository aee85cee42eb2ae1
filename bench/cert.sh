#!/bin/sh
# cert: signing and verification throughput of certificates, and the
# canonical number printer, each against a baseline in the same run.
set -e
"$BG_TOP_BUILDDIR/bench/bench_cert" \
	"$BG_TOP_SRCDIR/tests/fixtures/cert/sample-grades.jsonl" \
	"$BG_TOP_SRCDIR/tests/fixtures/jcs/numbers.csv" 2000
# end to end through the command line: certify 1,008 modules of the
# sample packs (56 copies of 18, renamed), verify them
T=$(mktemp -d "${TMPDIR:-/tmp}/bgbench.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir "$T/k"
"$BATTGRADE" keygen --out "$T/k" >/dev/null
i=0
while [ $i -lt 56 ]; do
	sed "s/\"module_id\":\"M0\([0-9]\)\"/\"module_id\":\"B$i-\1\"/" \
		"$BG_TOP_SRCDIR/tests/fixtures/cert/sample-grades.jsonl"
	i=$((i + 1))
done > "$T/grades.jsonl"
s=$(date +%s.%N)
"$BATTGRADE" certify --key "$T/k/battgrade.key" --out "$T/o" "$T/grades.jsonl" >/dev/null
m=$(date +%s.%N)
"$BATTGRADE" verify --pubkey "$T/k/battgrade.pub.jwk" "$T"/o/*.json >/dev/null
e=$(date +%s.%N)
n=$(ls "$T"/o/*.json | wc -l)
echo "CLI: certify $n modules $(echo "$m - $s" | bc) s, verify $n files $(echo "$e - $m" | bc) s"
