#!/bin/sh
# bench/registry.sh - the registry under load, over loopback.
#
# 1. publish COUNT (10,000) signed certificates with "battgrade
#    publish" to battgrade-registryd, the server verifying every
#    signature and committing each to SQLite (synchronous=FULL):
#    certificates per second end to end, spool renames included;
# 2. GET latency with wrk over random stored ids (JSON and the HTML
#    page), 4 connections for 5 s: p50 and p99;
# 3. baseline in the same run: wrk on GET /v1/health, the HTTP floor
#    of this machine, and the signature check alone (in process);
# 4. the server's peak RSS (VmHWM) and the client's (GNU time).
# Targets (issue 8): >= 1,000 certificates/s, GET p99 < 20 ms.
set -eu
: "${BATTGRADE:?run through make bench}"
: "${BG_TOP_BUILDDIR:?run through make bench}"
: "${BG_TOP_SRCDIR:?run through make bench}"
COUNT=${BG_BENCH_REGISTRY_COUNT:-10000}
REGD=$BG_TOP_BUILDDIR/battgrade-registryd
GEN=$BG_TOP_BUILDDIR/tests/regcertgen
GRADES=$BG_TOP_SRCDIR/tests/fixtures/cert/grades.jsonl
W=$(mktemp -d "${TMPDIR:-/tmp}/bgbench.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$W"' EXIT
export XDG_CONFIG_HOME=$W/config XDG_STATE_HOME=$W/state

now() { date +%s.%N; }
mkdir -p "$W/key" "$W/spool/outbox"
t0=$(now)
"$GEN" "$GRADES" "$W/key" "$W/spool/outbox" "$COUNT" >"$W/ids"
t1=$(now)
echo "generated $COUNT certificates in $(echo "$t1 - $t0" | bc) s" \
	"($(du -sk "$W/spool/outbox" | cut -f1) KiB)"
"$REGD" issuer add bench --pubkey "$W/key/battgrade.pub.jwk" \
	--db "$W/r.db" | tail -n 1 >"$W/token"
chmod 600 "$W/token"
"$REGD" --db "$W/r.db" --listen 127.0.0.1:0 --rate 0 >"$W/port" \
	2>"$W/regd.err" &
PID=$!
i=0; while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
URL=http://127.0.0.1:$(head -1 "$W/port")

cpu() { awk '{print ($14 + $15) / 100}' /proc/$PID/stat; } # server CPU s
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
c0=$(cpu)
t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$W/client.rss" "$BATTGRADE" publish --quiet \
	--registry "$URL" --token-file "$W/token" --spool "$W/spool"
t1=$(now)
el=$(echo "$t1 - $t0" | bc)
rate=$(echo "$COUNT / $el" | bc)
sent=$(ls "$W/spool/sent" | grep -c 'receipt.json$')
stored=$(curl -s "$URL/v1/health" | sed 's/.*"certificates":\([0-9]*\).*/\1/')
echo "publish: $COUNT certificates in $el s = $rate certificates/s" \
	"(target >= 1000); sent/ $sent, registry holds $stored"
c1=$(cpu)
read -r crss cu cs <"$W/client.rss"
scpu=$(echo "$c1 - $c0" | bc)
ccpu=$(echo "$cu + $cs" | bc)
echo "CPU time: server $scpu s, client $ccpu s =" \
	"$(echo "$COUNT / ($scpu + $ccpu)" | bc) certificates per CPU-second" \
	"(the rate one free core would sustain)"
echo "client peak RSS: $crss KiB"

if command -v wrk >/dev/null; then
	{
		echo 'ids = {}'
		echo 'for l in io.lines("'"$W/ids"'") do ids[#ids + 1] = l end'
		echo 'request = function()'
		echo '  return wrk.format("GET", "/v1/certificates/" .. ids[math.random(#ids)])'
		echo 'end'
	} >"$W/get.lua"
	lat() { # lat LABEL wrk-args...: p50 and p99 from wrk --latency
		label=$1; shift
		wrk -t2 -c4 -d5s --latency "$@" >"$W/wrk.out" 2>&1
		p50=$(awk '$1 == "50%" {print $2}' "$W/wrk.out")
		p99=$(awk '$1 == "99%" {print $2}' "$W/wrk.out")
		rps=$(awk '/^Requests\/sec/ {print $2}' "$W/wrk.out")
		echo "$label: p50 $p50, p99 $p99, $rps requests/s"
	}
	lat "baseline GET /v1/health" "$URL/v1/health"
	lat "GET certificate JSON (target p99 < 20ms)" -s "$W/get.lua" "$URL"
	lat "GET certificate HTML page (signature re-checked)" \
		-H 'Accept: text/html' -s "$W/get.lua" "$URL"
else
	echo "wrk not installed: GET latency not measured (apt-get install wrk)"
fi
echo "server peak RSS: $(sed -n 's/^VmHWM:[ \t]*//p' /proc/$PID/status)"
kill -TERM $PID; wait $PID || true; PID=""
[ "$sent" -eq "$COUNT" ] && [ "$stored" -eq "$COUNT" ]
