#!/bin/sh
# The sample packs all the way: grade -> certify -> publish -> registry
# get -> verify, with the registry and token taken from the environment
# and the user's configuration file, and the default spool that
# certify writes and publish reads.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
. "$BG_TOP_SRCDIR/tests/cli/registry-lib.sh"

PACKS="$SRC/data/packs"
[ -d "$PACKS/nmc-leaf-8" ] || { echo "SKIP: no sample packs in $PACKS"; exit 77; }
mkdir -p "$TMP/keys" "$XDG_CONFIG_HOME/battgrade"
run "$BATTGRADE" keygen --out "$TMP/keys"
expect_status 0 "keygen"
: >"$TMP/grades.jsonl"
for p in nmc-leaf-8 lfp-bus-4 nmc-abuse-6; do
	"$BATTGRADE" grade --json "$PACKS/$p" >>"$TMP/grades.jsonl" ||
		fail "grade $p"
done
n=$(grep -c . "$TMP/grades.jsonl")
run "$BATTGRADE" certify --key "$TMP/keys/battgrade.key" \
	--issuer-id DE-TEST-0001 "$TMP/grades.jsonl"
expect_status 0 "certify"
spool=$XDG_STATE_HOME/battgrade
check "certify filled the default spool ($n)" \
	[ "$(count "$spool/outbox")" -eq "$n" ]

add_issuer recycler "$TMP/keys"
start_server
cp "$TMP/recycler.token" "$XDG_CONFIG_HOME/battgrade/token"
chmod 600 "$XDG_CONFIG_HOME/battgrade/token"
printf '{"token_file": "%s"}\n' "$XDG_CONFIG_HOME/battgrade/token" \
	>"$XDG_CONFIG_HOME/battgrade/config"
BATTGRADE_REGISTRY=$URL run "$BATTGRADE" publish --quiet
expect_status 0 "publish with configuration only"
expect_empty_err "publish --quiet"
check "all $n delivered" [ "$(count "$spool/sent")" -eq "$n" ]
check "registry holds $n" [ "$(stored)" -eq "$n" ]

# Each certificate comes back verifiable, with the grade it was given.
bad=0
for f in "$spool"/sent/bgc-*[0-9a-f].json; do
	id=$(basename "$f" .json)
	"$BATTGRADE" registry get "$id" --json --registry "$URL" \
		>"$TMP/got.json" 2>/dev/null || { bad=$((bad + 1)); continue; }
	"$BATTGRADE" verify --pubkey "$TMP/keys/battgrade.pub.jwk" \
		"$TMP/got.json" >/dev/null 2>&1 || bad=$((bad + 1))
	"$BATTGRADE" registry get "$id" --registry "$URL" >"$TMP/t" 2>&1
	m=$(sed -n 's/^module *//p' "$TMP/t")
	g=$(sed -n 's/^grade *//p' "$TMP/t")
	grep -q "\"module_id\": *\"$m\".*\"grade\": *\"$g\"" \
		"$TMP/grades.jsonl" || bad=$((bad + 1))
	grep -q "^signature *signature valid" "$TMP/t" || bad=$((bad + 1))
done
check "every certificate verifies with its grade ($bad bad)" [ $bad -eq 0 ]

# The page of every certificate plots its fitted curve and the
# measured points the grader used.
bad=0
for f in "$spool"/sent/bgc-*[0-9a-f].json; do
	curl -s --max-time 10 -H 'Accept: text/html' \
		"$URL/v1/certificates/$(basename "$f" .json)" >"$TMP/p.html"
	grep -q '<polyline' "$TMP/p.html" && grep -q 'fill="#06c"' "$TMP/p.html" &&
		grep -q 'Verified:' "$TMP/p.html" || bad=$((bad + 1))
done
check "every page has its fade plot ($bad bad)" [ $bad -eq 0 ]

# Module ids repeat across packs: the registry lists each pack's.
run "$BATTGRADE" registry list --module M01 --registry "$URL"
expect_status 0 "list M01"
check "M01 of 3 packs" [ "$(grep -c '^bgc-' "$TMP/out")" -eq 3 ]

# A tampered copy of a fetched certificate fails verify.
sed 's/"grade":"\([ABCR]\)"/"grade":"Z"/' "$TMP/got.json" >"$TMP/bad.json"
run "$BATTGRADE" verify --pubkey "$TMP/keys/battgrade.pub.jwk" "$TMP/bad.json"
expect_status 65 "tampered fetched certificate"

# verify --registry: no local key, the issuer keys come from the
# registry's record of each certificate.
run "$BATTGRADE" verify --registry "$URL" "$spool"/sent/bgc-*[0-9a-f].json
expect_status 0 "verify --registry"
check "verify --registry: all $n valid" \
	[ "$(grep -c ' valid ' "$TMP/out")" -eq "$n" ]
cp "$TMP/bad.json" "$TMP/bad2.json"
run "$BATTGRADE" verify --registry "$URL" "$TMP/bad2.json"
expect_status 65 "verify --registry: tampered"
# A certificate by a key the registry does not know is not trusted.
mkdir -p "$TMP/k2" "$TMP/o2"
"$BATTGRADE" keygen --out "$TMP/k2" >/dev/null 2>&1
head -1 "$TMP/grades.jsonl" >"$TMP/one.jsonl"
"$BATTGRADE" certify --key "$TMP/k2/battgrade.key" --out "$TMP/o2" \
	--issued-at 2020-01-01T00:00:00Z "$TMP/one.jsonl" >/dev/null 2>&1
run "$BATTGRADE" verify --registry "$URL" "$TMP"/o2/bgc-*.json
checks=$((checks + 1))
[ "$status" -ne 0 ] || fail "verify --registry trusted an unregistered key"
finish
