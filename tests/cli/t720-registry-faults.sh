#!/bin/sh
# A registry failing 30 % of requests (503 with Retry-After, dropped
# connections before and after storing, slow answers): repeated publish
# runs deliver every certificate exactly once.  Overlapping runs share
# the spool safely.  Retry-After is honoured.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"

N=${BG_REGISTRY_FAULT_COUNT:-60}
certs "$TMP/key" "$TMP/spool/outbox" "$N"
add_issuer acme "$TMP/key"
chmod 600 "$TMP/acme.token"
start_server --fault-rate 0.3 --retry-after 0
P="--registry $URL --token-file $TMP/acme.token --spool $TMP/spool"

runs=0 last=1 requests=0
while [ $last -ne 0 ] && [ $runs -lt 15 ]; do
	# shellcheck disable=SC2086
	run "$BATTGRADE" publish $P
	last=$status
	runs=$((runs + 1))
	r=$(sed -n 's/.*(\([0-9]*\) requests).*/\1/p' "$TMP/err")
	requests=$((requests + ${r:-0}))
	case $status in 0|75) ;; *) fail "publish run $runs: exit $status" ;; esac
done
checks=$((checks + 1))
[ $last -eq 0 ] || fail "not all delivered after $runs runs"
echo "delivered in $runs runs, $requests requests for $N certificates"
check "faults were injected and retried" [ "$requests" -gt "$N" ]
stop_server
start_server
check "registry holds exactly $N" [ "$(stored)" -eq "$N" ]
check "all in sent/" [ "$(count "$TMP/spool/sent")" -eq "$N" ]
check "outbox empty" [ "$(count "$TMP/spool/outbox")" -eq 0 ]
check "nothing rejected" [ "$(ls "$TMP/spool/rejected" | wc -l)" -eq 0 ]
# Each module once: the ids in sent/ are exactly the ids stored.
for f in "$TMP"/spool/sent/bgc-*[0-9a-f].json; do
	id=$(basename "$f" .json)
	curl -s --max-time 10 -o "$TMP/g.json" "$URL/v1/certificates/$id"
	cmp -s "$TMP/g.json" "$f" || { fail "$id differs or missing"; break; }
done
checks=$((checks + 1))
stop_server

# Overlapping runs (cron firing twice): the lock serialises them and the
# registry still gets each certificate created exactly once.
rm -f "$TMP/r.db"*
certs "$TMP/key2" "$TMP/spool2/outbox" 40 1000
add_issuer acme "$TMP/key2"
chmod 600 "$TMP/acme.token"
start_server
P="--registry $URL --token-file $TMP/acme.token --spool $TMP/spool2"
# shellcheck disable=SC2086
"$BATTGRADE" publish $P >"$TMP/a.out" 2>/dev/null & A=$!
# shellcheck disable=SC2086
"$BATTGRADE" publish $P >"$TMP/b.out" 2>/dev/null & B=$!
wait $A; sa=$?
wait $B; sb=$?
check "both runs exit 0 ($sa, $sb)" [ $sa -eq 0 ] && [ $sb -eq 0 ]
created=$(cat "$TMP/a.out" "$TMP/b.out" | grep -c '	created$')
check "40 created in total, not more ($created)" [ "$created" -eq 40 ]
check "registry holds 40" [ "$(stored)" -eq 40 ]
stop_server

# Retry-After is honoured: 1 upload/s with a burst of 3 means the 5th
# certificate cannot be sent before ~2 s have passed.
rm -f "$TMP/r.db"*
certs "$TMP/key3" "$TMP/spool3/outbox" 5 2000
add_issuer acme "$TMP/key3"
chmod 600 "$TMP/acme.token"
start_server --rate 1
t0=$(date +%s.%N)
run "$BATTGRADE" publish --registry "$URL" --token-file "$TMP/acme.token" \
	--spool "$TMP/spool3"
t1=$(date +%s.%N)
expect_status 0 "rate-limited publish completes"
check "waited for Retry-After" awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b-a >= 1.5)}'
check "429s were retried" [ "$(sed -n 's/.*(\([0-9]*\) requests).*/\1/p' "$TMP/err")" -gt 5 ]
finish
