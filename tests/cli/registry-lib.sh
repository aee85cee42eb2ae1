# registry-lib.sh - start and stop a real battgrade-registryd on a
# loopback ephemeral port for the registry's CLI tests (t7NN).
# Source after lib.sh.  Every wait is bounded so nothing hangs.
: "${BG_TOP_BUILDDIR:?run through make check}"
REGISTRYD=$BG_TOP_BUILDDIR/battgrade-registryd
CERTGEN=$BG_TOP_BUILDDIR/tests/regcertgen
GRADES=$SRC/tests/fixtures/cert/grades.jsonl
RPID=""
# Tests never read the user's configuration or spool.
export XDG_CONFIG_HOME="$TMP/config" XDG_STATE_HOME="$TMP/state"
unset BATTGRADE_REGISTRY BATTGRADE_TOKEN_FILE BATTGRADE_SPOOL \
	BATTGRADE_CONFIG
trap 'rc=$?; stop_server; rm -rf "$TMP"; [ "$failures" -eq 0 ] || rc=1; exit $rc' EXIT
trap 'exit 1' INT TERM
command -v curl >/dev/null || { echo "SKIP: curl(1) is needed"; exit 77; }

# start_server [OPTIONS...]: serve $TMP/r.db on 127.0.0.1:0; sets URL.
start_server() {
	: >"$TMP/port"
	"$REGISTRYD" --db "$TMP/r.db" --listen 127.0.0.1:0 "$@" \
		>"$TMP/port" 2>>"$TMP/regd.err" &
	RPID=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	PORT=$(head -1 "$TMP/port")
	[ -n "$PORT" ] || { echo "server did not start" >&2; cat "$TMP/regd.err" >&2; exit 1; }
	URL=http://127.0.0.1:$PORT
}

# stop_server [SIGNAL]: stop it (TERM by default) and wait, bounded.
stop_server() {
	[ -n "$RPID" ] || return 0
	kill -"${1:-TERM}" "$RPID" 2>/dev/null
	i=0
	while kill -0 "$RPID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill -KILL "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	RPID=""
	# A sanitizer build reports server errors only in its log.
	if grep -q "Sanitizer\|runtime error" "$TMP/regd.err" 2>/dev/null; then
		grep -m 5 "Sanitizer\|runtime error" "$TMP/regd.err" >&2
		failures=$((failures + 1))
	fi
}

# add_issuer NAME KEYDIR: register KEYDIR's public key; token into
# $TMP/NAME.token (mode 0600).
add_issuer() {
	"$REGISTRYD" issuer add "$1" --pubkey "$2/battgrade.pub.jwk" \
		--db "$TMP/r.db" >"$TMP/issuer.out" 2>&1 || {
		cat "$TMP/issuer.out" >&2; exit 1; }
	(umask 077; tail -n 1 "$TMP/issuer.out" >"$TMP/$1.token")
}

# certs KEYDIR DIR COUNT [FIRST]: COUNT signed certificates into DIR.
certs() {
	mkdir -p "$1" "$2"
	"$CERTGEN" "$GRADES" "$1" "$2" "$3" "${4:-0}" >/dev/null || exit 1
}

# stored: number of certificates the registry holds (GET /v1/health).
stored() {
	curl -s --max-time 10 "$URL/v1/health" |
		sed -n 's/.*"certificates":\([0-9]*\).*/\1/p'
}

count() { ls "$1" 2>/dev/null | grep -c '^bgc-.*[0-9a-f]\.json$'; }

check() { # check CONDITION-DESCRIPTION EXPR...
	checks=$((checks + 1))
	what=$1; shift
	"$@" || fail "$what"
}
