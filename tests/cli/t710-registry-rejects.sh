#!/bin/sh
# What the registry refuses, and that nothing of it is stored: a
# tampered certificate, another issuer's key, a wrong token, an
# oversized body, malformed JSON, an SQL-injection-shaped id.  And what
# the client refuses before sending anything.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"

export REGCERTGEN_TIME=1764144000
certs "$TMP/key" "$TMP/good" 2
certs "$TMP/other" "$TMP/otherout" 1 500
certs "$TMP/key2" "$TMP/good2" 2
add_issuer acme "$TMP/key"
add_issuer other "$TMP/other"
start_server --max-body 20000
chmod 600 "$TMP/acme.token" "$TMP/other.token"
T=$TMP/acme.token
set -- "$TMP"/good/*.json
good=$1

post() { # post TOKEN FILE: prints the HTTP status
	curl -s -o "$TMP/body" -w '%{http_code}' --max-time 10 \
		-H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		--data-binary @"$2" "$URL/v1/certificates"
}

# Wrong or missing token: 401 from the server, 77 from publish, and
# the certificate stays in the outbox (it is not its fault).
check "wrong token 401" [ "$(post bgr_0000 "$good")" = 401 ]
mkdir -p "$TMP/s1/outbox"; cp "$good" "$TMP/s1/outbox/"
echo bgr_not_a_token >"$TMP/bad.token"; chmod 600 "$TMP/bad.token"
run "$BATTGRADE" publish --registry "$URL" --token-file "$TMP/bad.token" \
	--spool "$TMP/s1"
expect_status 77 "publish with wrong token"
expect_err "refused the token"
check "certificate kept in outbox" [ "$(count "$TMP/s1/outbox")" -eq 1 ]

# Tampered: one digit of the body changed, signature kept.
sed -e 's/"grade":"A"/"grade":"Z"/' -e 's/"grade":"B"/"grade":"A"/' \
	-e 's/"grade":"Z"/"grade":"B"/' "$good" >"$TMP/t1.json"
sed 's/"value":\([0-9]\)/"value":9\1/' "$good" >"$TMP/t2.json"
cmp -s "$good" "$TMP/t2.json" && fail "tampering changed nothing"
check "tampered grade 422" [ "$(post "$(cat "$T")" "$TMP/t1.json")" = 422 ]
check "tampered figure 422" [ "$(post "$(cat "$T")" "$TMP/t2.json")" = 422 ]
# Signed by a key registered for another issuer, sent with acme's token.
set -- "$TMP"/otherout/*.json
check "other issuer's key 422" [ "$(post "$(cat "$T")" "$1")" = 422 ]
expect_body() { grep -q "$1" "$TMP/body" || fail "body lacks $1"; }
# Malformed JSON: 400.
printf '{"certificate": {' >"$TMP/m.json"
check "malformed 400" [ "$(post "$(cat "$T")" "$TMP/m.json")" = 400 ]
# Oversized: 413 before the body is read.
head -c 30000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
check "oversized 413" [ "$(post "$(cat "$T")" "$TMP/big.json")" = 413 ]
# SQL-injection-shaped ids, in an upload and in a URL.
sed "s/\"id\":\"bgc-[0-9a-f]*\"/\"id\":\"x'); DROP TABLE certificates;--\"/" \
	"$good" >"$TMP/sql.json"
check "injection id upload 422" [ "$(post "$(cat "$T")" "$TMP/sql.json")" = 422 ]
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
	"$URL/v1/certificates/x%27%29%3B%20DROP%20TABLE%20certificates%3B--")
check "injection id GET 400" [ "$code" = 400 ]
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
	"$URL/v1/modules/x%27%20OR%20%271%27%3D%271/certificates")
check "injection module GET 200" [ "$code" = 200 ]
check "injection module lists nothing" [ "$(curl -s --max-time 10 \
	"$URL/v1/modules/x%27%20OR%20%271%27%3D%271/certificates")" = \
	'{"module_id":"x'"'"' OR '"'"'1'"'"'='"'"'1","certificates":[]}' ]
check "nothing stored" [ "$(stored)" -eq 0 ]

# Through publish: every bad file ends in rejected/ with its reason,
# the good one is delivered, exit 65.
mkdir -p "$TMP/s2/outbox"
cp "$good" "$TMP/s2/outbox/"
for f in t1 t2 m big sql; do
	cp "$TMP/$f.json" "$TMP/s2/outbox/bgc-$f.json"
done
cp "$TMP"/otherout/*.json "$TMP/s2/outbox/"
run "$BATTGRADE" publish --quiet --registry "$URL" --token-file "$T" \
	--spool "$TMP/s2"
expect_status 65 "publish with bad files"
check "6 rejected" [ "$(ls "$TMP/s2/rejected" | grep -c 'reason.txt$')" -eq 6 ]
check "1 sent" [ "$(count "$TMP/s2/sent")" -eq 1 ]
check "outbox empty" [ "$(ls "$TMP/s2/outbox" | wc -l)" -eq 0 ]
check "reason for oversized" grep -q "HTTP 413" "$TMP/s2/rejected/bgc-big.reason.txt"
check "reason for malformed" grep -q "HTTP 400" "$TMP/s2/rejected/bgc-m.reason.txt"
check "reason for tampered" grep -q "HTTP 422" "$TMP/s2/rejected/bgc-t1.reason.txt"
check "only the good one stored" [ "$(stored)" -eq 1 ]
expect_err "rejected: HTTP 422"

# Same id, different content: the same bodies signed by acme's second
# key verify, but differ from what is stored: 409, nothing replaced.
"$REGISTRYD" issuer add-key acme --pubkey "$TMP/key2/battgrade.pub.jwk" \
	--db "$TMP/r.db" >/dev/null 2>&1
code=$(post "$(cat "$T")" "$TMP/good2/${good##*/}")
check "same id, other signature 409 (got $code)" [ "$code" = 409 ]
check "still one stored" [ "$(stored)" -eq 1 ]
curl -s --max-time 10 "$URL/v1/certificates/$(basename "$good" .json)" \
	>"$TMP/still.json"
check "stored file unchanged" cmp -s "$TMP/still.json" "$good"
# One character in the middle of the signature changed (to A, or B
# when it was A): a different, well-formed, wrong signature.
sig=$(sed 's/.*"signature":"\([^"]*\)".*/\1/' "$good")
n=$((${#sig} - 20))
c=$(printf '%s' "$sig" | cut -c$n)
[ "$c" = A ] && r=B || r=A
bad=$(printf '%s' "$sig" | sed "s/^\(.\{$((n - 1))\}\)./\1$r/")
sed "s/$sig/$bad/" "$good" >"$TMP/resig.json"
cmp -s "$good" "$TMP/resig.json" && fail "signature not altered"
check "altered signature 422" [ "$(post "$(cat "$T")" "$TMP/resig.json")" = 422 ]

# Client-side refusals: token file readable by others, clear text off
# the machine, no token at all.
chmod 644 "$TMP/acme.token"
run "$BATTGRADE" publish --registry "$URL" --token-file "$T" --spool "$TMP/s1"
expect_status 78 "token file mode 0644"
expect_err "accessible to others"
chmod 600 "$TMP/acme.token"
run "$BATTGRADE" publish --registry http://192.0.2.1:8470 --token-file "$T" \
	--spool "$TMP/s1"
expect_status 78 "plain http off loopback"
expect_err "use https"
run "$BATTGRADE" publish --registry "$URL" --spool "$TMP/s1"
expect_status 78 "no token file"
run "$BATTGRADE" registry get "../etc/passwd" --registry "$URL"
expect_status 65 "bad id on the client"
finish
