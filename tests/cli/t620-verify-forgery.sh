#!/bin/sh
# verify catches each forgery with its reason and exit 65: a changed
# value, a changed byte anywhere, a swapped signature, a wrong key, a
# non-canonical re-encoding of the body.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

G="$SRC/tests/fixtures/cert/grades.jsonl"
mkdir "$TMP/k" "$TMP/other"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
"$BATTGRADE" keygen --out "$TMP/other" >/dev/null || exit 1
P="$TMP/k/battgrade.pub.jwk"
"$BATTGRADE" certify --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	--issued-at 2026-11-26T08:00:00Z "$G" >/dev/null || exit 1
a=$(grep -l '"moduleId":"M01"' "$TMP"/o/*.json)
b=$(grep -l '"moduleId":"M02"' "$TMP"/o/*.json)

run "$BATTGRADE" verify --pubkey "$P" "$a"
expect_status 0 "original"

# a value changed: grade A -> B
sed 's/"grade":"A"/"grade":"B"/' "$a" > "$TMP/t1.json"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t1.json"
expect_status 65 "changed grade"
expect_err "t1.json: tampered body"
expect_out "INVALID *tampered body"

# one byte anywhere: every 97th byte changed in turn
size=$(wc -c < "$a")
i=1
while [ "$i" -le "$size" ]; do
	head -c $((i - 1)) "$a" > "$TMP/t2.json"
	c=$(dd if="$a" bs=1 skip=$((i - 1)) count=1 2>/dev/null)
	if [ "$c" = x ]; then printf y; else printf x; fi >> "$TMP/t2.json"
	tail -c +$((i + 1)) "$a" >> "$TMP/t2.json"
	run "$BATTGRADE" verify --pubkey "$P" "$TMP/t2.json"
	expect_status 65 "byte $i changed"
	i=$((i + 97))
done

# the signature of another certificate
sig=$(sed 's/.*"signature":"\([^"]*\)".*/\1/' "$b")
sed "s/\"signature\":\"[^\"]*\"/\"signature\":\"$sig\"/" "$a" > "$TMP/t3.json"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t3.json"
expect_status 65 "swapped signature"
expect_err "t3.json: bad signature"

# verified against another issuer's key
run "$BATTGRADE" verify --pubkey "$TMP/other/battgrade.pub.jwk" "$a"
expect_status 65 "wrong key"
expect_err "unknown key: no trusted key has id"

# the same body, re-encoded: a space, a reordered member, 55.3 as 55.30
sed 's/^{"certificate":{/{"certificate":{ /' "$a" > "$TMP/t4.json"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t4.json"
expect_status 65 "space in body"
expect_err "t4.json: non-canonical"
sed 's/"value":55.3}/"value":55.30}/' "$a" > "$TMP/t5.json"
checks=$((checks + 1))
cmp -s "$a" "$TMP/t5.json" && fail "test edit did not apply"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t5.json"
expect_status 65 "55.30"
expect_err "non-canonical"
sed 's/"schema":"battgrade-certificate\/1",\("subject":{[^}]*}\),/\1,"schema":"battgrade-certificate\/1",/' \
	"$a" > "$TMP/t6.json"
checks=$((checks + 1))
cmp -s "$a" "$TMP/t6.json" && fail "reorder edit did not apply"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t6.json"
expect_status 65 "reordered members"
expect_err "non-canonical"

# not a certificate at all
echo '{"certificate":{},"signature":"x"}' > "$TMP/t7.json"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/t7.json"
expect_status 65 "empty body"
expect_err "schema violation"

# a batch: one bad file makes the run fail, the good ones still print
run "$BATTGRADE" verify --pubkey "$P" "$a" "$TMP/t1.json" "$b"
expect_status 65 "mixed batch"
expect_out "M02"
finish
