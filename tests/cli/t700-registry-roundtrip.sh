#!/bin/sh
# Certify -> publish -> get -> verify against a real registry on a
# loopback port; idempotent re-upload; list; HTML page; restart.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"

N=24
certs "$TMP/key" "$TMP/spool/outbox" $N
add_issuer acme "$TMP/key"
start_server
chmod 600 "$TMP/acme.token"

run "$BATTGRADE" publish --registry "$URL" --token-file "$TMP/acme.token" \
	--spool "$TMP/spool"
expect_status 0 "publish"
check "every certificate created" \
	[ "$(grep -c '	created$' "$TMP/out")" -eq $N ]
expect_err "$N created, 0 already there, 0 rejected, 0 deferred"
check "outbox empty" [ "$(count "$TMP/spool/outbox")" -eq 0 ]
check "all in sent/" [ "$(count "$TMP/spool/sent")" -eq $N ]
check "a receipt each" \
	[ "$(ls "$TMP/spool/sent" | grep -c 'receipt.json$')" -eq $N ]
check "registry holds $N" [ "$(stored)" -eq $N ]
if grep -q "$(cat "$TMP/acme.token")" "$TMP/out" "$TMP/err" \
	"$TMP/regd.err" "$TMP/spool/sent/"*; then
	fail "token appears in output, log or receipts"
fi

# get --json returns the very bytes that were signed; verify accepts them.
id=$(ls "$TMP/spool/sent" | sed -n 's/\(bgc-[0-9a-f]*\)\.json$/\1/p' | head -1)
run "$BATTGRADE" registry get "$id" --json --registry "$URL"
expect_status 0 "get --json"
check "get --json is the file as signed" cmp -s "$TMP/out" \
	"$TMP/spool/sent/$id.json"
cp "$TMP/out" "$TMP/got.json"
if "$BATTGRADE" verify --help 2>/dev/null | grep -q -- "--pubkey"; then
	run "$BATTGRADE" verify --pubkey "$TMP/key/battgrade.pub.jwk" \
		"$TMP/got.json"
	expect_status 0 "verify what the registry returned"
fi

# The table form checks the signature with the keys the registry serves.
run "$BATTGRADE" registry get "$id" --registry "$URL"
expect_status 0 "get"
expect_out "^signature *signature valid"
expect_out "^id *$id"
module=$(sed -n 's/^module *//p' "$TMP/out")
grade=$(sed -n 's/^grade *//p' "$TMP/out")
check "grade A, B, C or R" expr "$grade" : '[ABCR]$'

run "$BATTGRADE" registry list --module "$module" --registry "$URL"
expect_status 0 "list"
expect_out "^$id	$grade	"
run "$BATTGRADE" registry list --json --module "$module" --registry "$URL"
expect_out "\"module_id\":	*\"$module\""

# The page the QR code opens.
curl -s --max-time 10 -H 'Accept: text/html' "$URL/v1/certificates/$id" \
	>"$TMP/page.html"
checks=$((checks + 1))
grep -q "<div class=\"grade\">$grade</div>" "$TMP/page.html" &&
	grep -q "Verified:" "$TMP/page.html" ||
	fail "HTML page lacks grade or verification"
# The fade plot is drawn from the sampled curve, or the power law.
checks=$((checks + 1))
if grep -q '"curve":\[\[\|"model":"power"' "$TMP/got.json"; then
	grep -q "<svg" "$TMP/page.html" || fail "HTML page lacks the fade plot"
else
	grep -q "<svg" "$TMP/page.html" && fail "plot for a model it cannot draw"
fi
sed 's/<[^>]*>/ /g' "$TMP/page.html" >"$TMP/page.txt"
checks=$((checks + 1))
grep -q "remaining capacity *[0-9.]* Ah" "$TMP/page.txt" ||
	fail "HTML page lacks the remaining capacity"

# Issuer keys as a JWK set, the same key as registered.
kid=$(sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p' "$TMP/key/battgrade.pub.jwk")
curl -s --max-time 10 "$URL/v1/issuers/acme/keys" >"$TMP/keys.json"
check "JWK set has the key" grep -q "\"kid\":\"$kid\"" "$TMP/keys.json"

# Sending the same certificates again: 200 identical, still delivered.
cp "$TMP/spool/sent/$id.json" "$TMP/spool/outbox/"
run "$BATTGRADE" publish --quiet --registry "$URL" \
	--token-file "$TMP/acme.token" --spool "$TMP/spool"
expect_status 0 "re-publish identical"
expect_empty_err "--quiet with nothing wrong"
check "re-upload recorded as identical" \
	grep -q '"status":"identical"' "$TMP/spool/sent/$id.receipt.json"

# Restart (SIGTERM, then kill -9): nothing lost.
stop_server TERM
start_server
check "after SIGTERM restart $N stored" [ "$(stored)" -eq $N ]
stop_server KILL
start_server
check "after kill -9 restart $N stored" [ "$(stored)" -eq $N ]
run "$BATTGRADE" registry get "$id" --json --registry "$URL"
check "same bytes after restarts" cmp -s "$TMP/out" "$TMP/got.json"

# Unknown certificate: 66.
run "$BATTGRADE" registry get bgc-00000000000000000000000000000000 \
	--registry "$URL"
expect_status 66 "unknown id"
finish
