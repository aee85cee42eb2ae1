#!/bin/sh
# keygen: key 0600 and public JWK 0644; never replaces a key; a key
# readable by group or others is refused wherever it is used.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

mode() { stat -c %a "$1"; }


mkdir "$TMP/k"
run "$BATTGRADE" keygen --out "$TMP/k"
expect_status 0 "keygen"
expect_out "^key_id	[A-Za-z0-9_-]\{43\}$"
checks=$((checks + 2))
[ "$(mode "$TMP/k/battgrade.key")" = 600 ] || fail "key mode $(mode "$TMP/k/battgrade.key")"
[ "$(mode "$TMP/k/battgrade.pub.jwk")" = 644 ] || fail "public key mode"
kid=$(sed -n 's/^key_id	//p' "$TMP/out")
checks=$((checks + 2))
grep -q "\"kid\":\"$kid\"" "$TMP/k/battgrade.pub.jwk" || fail "kid in public JWK"
grep -q '"d"' "$TMP/k/battgrade.pub.jwk" && fail "public JWK holds the private key"

cp "$TMP/k/battgrade.key" "$TMP/key.before"
run "$BATTGRADE" keygen --out "$TMP/k"
expect_status 73 "second keygen"
expect_err "already exists"
checks=$((checks + 1))
cmp -s "$TMP/k/battgrade.key" "$TMP/key.before" || fail "key was replaced"

# XDG default location, created 0700
run env XDG_CONFIG_HOME="$TMP/cfg" "$BATTGRADE" keygen
expect_status 0 "keygen default dir"
checks=$((checks + 1))
[ "$(mode "$TMP/cfg/battgrade")" = 700 ] || fail "config dir mode"

# a group-readable key is refused by certify
chmod 640 "$TMP/k/battgrade.key"
run "$BATTGRADE" certify --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	"$SRC/tests/fixtures/cert/grades.jsonl"
expect_status 78 "certify with a 0640 key"
expect_err "battgrade.key: key file is accessible by group or others (mode 640)"
checks=$((checks + 1))
[ ! -e "$TMP/o" ] || fail "output written with an unsafe key"
chmod 604 "$TMP/k/battgrade.key"
run "$BATTGRADE" certify --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	"$SRC/tests/fixtures/cert/grades.jsonl"
expect_status 78 "certify with a 0604 key"

run "$BATTGRADE" keygen extra
expect_status 64 "operand"
run "$BATTGRADE" keygen --help
expect_status 0 "--help"
expect_out "usage: battgrade keygen \[--out DIR\]"
# --out creates a missing directory, private to its owner.
run "$BATTGRADE" keygen --out "$TMP/new/keys"
expect_status 0 "keygen into a new directory"
checks=$((checks + 1))
[ "$(stat -c %a "$TMP/new/keys")" = 700 ] || fail "new key directory not 0700"
checks=$((checks + 1))
[ "$(stat -c %a "$TMP/new/keys/battgrade.key")" = 600 ] || fail "key not 0600"
finish
