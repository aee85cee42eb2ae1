#!/bin/sh
# kill -9 of the publishing client at random points of a run, several
# times, then a normal run: the registry holds each certificate exactly
# once and the spool agrees (every one in sent/ with its receipt, none
# left in outbox/, no temporary files).  make check uses 100
# certificates; BG_REGISTRY_KILL_COUNT=500 gives the full run (.ci).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"

N=${BG_REGISTRY_KILL_COUNT:-100}
KILLS=${BG_REGISTRY_KILLS:-6}
certs "$TMP/key" "$TMP/spool/outbox" "$N"
add_issuer acme "$TMP/key"
chmod 600 "$TMP/acme.token"
start_server
P="--quiet --registry $URL --token-file $TMP/acme.token --spool $TMP/spool"

# Each round picks a random point of progress in what is left (a
# number of certificates in sent/, 0 meaning "while starting up") and
# kills the client there; polling is bounded (1000 polls per round).
seed=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
echo "seed $seed"
# Receipts in sent/, counted by the shell alone: polling must be cheap.
nsent() {
	set -- "$TMP"/spool/sent/*.receipt.json
	[ -e "$1" ] && echo $# || echo 0
}
hits=0 round=0
while [ $round -lt "$KILLS" ]; do
	round=$((round + 1))
	left=$(count "$TMP/spool/outbox")
	[ "$left" -gt 1 ] || break
	target=$(( $(nsent) + $(awk -v s="$seed" -v r=$round \
		-v n="$left" 'BEGIN { srand(s + r); print int(rand() * n * 0.4) }') ))
	# shellcheck disable=SC2086
	"$BATTGRADE" publish $P >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(nsent)" -lt "$target" ] &&
		kill -0 $pid 2>/dev/null && [ $i -lt 1000 ]; do
		sleep 0.005; i=$((i + 1))
	done
	kill -9 $pid 2>/dev/null && hits=$((hits + 1))
	wait $pid 2>/dev/null
	echo "round $round: target $target, killed at $(nsent) sent"
done
echo "$hits of $round runs were killed while running"
echo "before the last run: $(count "$TMP/spool/outbox") in outbox," \
	"$(count "$TMP/spool/sent") in sent, $(stored) stored"
# shellcheck disable=SC2086
run "$BATTGRADE" publish $P
expect_status 0 "normal run after kills"
check "registry holds exactly $N ($(stored))" [ "$(stored)" -eq "$N" ]
check "all $N in sent/" [ "$(count "$TMP/spool/sent")" -eq "$N" ]
check "outbox empty" [ "$(ls -A "$TMP/spool/outbox" | wc -l)" -eq 0 ]
check "a receipt for each" \
	[ "$(ls "$TMP/spool/sent" | grep -c 'receipt.json$')" -eq "$N" ]
check "no temporary files" [ "$(ls -A "$TMP/spool/sent" | grep -c '^\.')" -eq 0 ]
check "nothing rejected" [ "$(ls -A "$TMP/spool/rejected" | wc -l)" -eq 0 ]
bad=0
for f in "$TMP"/spool/sent/bgc-*[0-9a-f].json; do
	id=$(basename "$f" .json)
	code=$(curl -s --max-time 10 -o "$TMP/g.json" -w '%{http_code}' \
		"$URL/v1/certificates/$id")
	[ "$code" = 200 ] && cmp -s "$TMP/g.json" "$f" || bad=$((bad + 1))
done
check "every sent certificate stored byte for byte ($bad bad)" [ $bad -eq 0 ]
finish
