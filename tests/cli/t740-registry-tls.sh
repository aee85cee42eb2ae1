#!/bin/sh
# HTTPS: the server speaks TLS with --tls-key/--tls-cert; the client
# verifies the peer against the configured CA file and refuses (78,
# nothing moved) when it cannot, since no switch turns checking off.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl(1) is needed"; exit 77; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	>/dev/null 2>&1 || { echo "SKIP: cannot make a test certificate"; exit 77; }
certs "$TMP/key" "$TMP/spool/outbox" 3
add_issuer acme "$TMP/key"
chmod 600 "$TMP/acme.token"
start_server --tls-key "$TMP/tls.key" --tls-cert "$TMP/tls.crt"
HTTPS=https://127.0.0.1:$PORT

# Unknown CA: refused before the token is sent, nothing moved.
run "$BATTGRADE" publish --registry "$HTTPS" --token-file "$TMP/acme.token" \
	--spool "$TMP/spool"
expect_status 78 "untrusted server certificate"
expect_err "registry: "
check "still 3 in outbox" [ "$(count "$TMP/spool/outbox")" -eq 3 ]

# With the CA file from the configuration: delivered.
printf '{"ca_file": "%s"}\n' "$TMP/tls.crt" >"$TMP/conf.json"
BATTGRADE_CONFIG=$TMP/conf.json run "$BATTGRADE" publish --registry "$HTTPS" \
	--token-file "$TMP/acme.token" --spool "$TMP/spool"
expect_status 0 "publish over https"
check "3 sent" [ "$(count "$TMP/spool/sent")" -eq 3 ]
id=$(ls "$TMP/spool/sent" | sed -n 's/\(bgc-[0-9a-f]*\)\.json$/\1/p' | head -1)
BATTGRADE_CONFIG=$TMP/conf.json run "$BATTGRADE" registry get "$id" \
	--registry "$HTTPS"
expect_status 0 "get over https"
expect_out "signature *signature valid"
# Plain http to the TLS port is not an answer.
run "$BATTGRADE" registry get "$id" --registry "http://127.0.0.1:$PORT"
checks=$((checks + 1))
[ "$status" -ne 0 ] || fail "plain http to a TLS port succeeded"
finish
