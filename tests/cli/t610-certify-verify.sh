#!/bin/sh
# certify signs one certificate per graded module; verify accepts them;
# the same grade at the same issue time gives the same file.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

G="$SRC/tests/fixtures/cert/grades.jsonl"
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
K="$TMP/k/battgrade.key"
P="$TMP/k/battgrade.pub.jwk"

run "$BATTGRADE" certify --key "$K" --out "$TMP/o" --issuer-id DE-RP-0001 \
	--issued-at 2026-11-26T08:00:00Z "$G"
expect_status 0 "certify"
expect_out "M01 *A *new"
expect_out "M04 *R *new"
checks=$((checks + 1))
[ "$(ls "$TMP/o" | grep -c '^bgc-[0-9a-f]\{32\}\.json$')" -eq 4 ] \
	|| fail "four certificate files"
cp -r "$TMP/o" "$TMP/o1"

run "$BATTGRADE" verify --pubkey "$P" "$TMP"/o/*.json
expect_status 0 "verify"
expect_out "valid *valid *bgc-"
expect_empty_err "verify"

# options after operands, and JSON output
run "$BATTGRADE" verify --json "$TMP"/o/*.json --keys "$TMP/k"
expect_status 0 "verify --keys DIR, options last"
expect_out '"valid":true'
expect_out '"issuer_id":"DE-RP-0001"'
expect_out '"issued_at":"2026-11-26T08:00:00Z"'

# identical input, identical issue time: identical files, "unchanged"
run "$BATTGRADE" certify --key "$K" --out "$TMP/o" --issuer-id DE-RP-0001 \
	--issued-at 2026-11-26T08:00:00Z "$G"
expect_status 0 "certify again"
expect_out "M01 *A *unchanged"
checks=$((checks + 1))
diff -r "$TMP/o" "$TMP/o1" >/dev/null || fail "files changed on re-run"

# SOURCE_DATE_EPOCH fixes the issue time (1796083200 = 2026-12-01)
run env SOURCE_DATE_EPOCH=1796083200 "$BATTGRADE" certify --key "$K" \
	--out "$TMP/s1" "$G"
expect_status 0 "certify with SOURCE_DATE_EPOCH"
run env SOURCE_DATE_EPOCH=1796083200 "$BATTGRADE" certify --key "$K" \
	--out "$TMP/s2" "$G"
checks=$((checks + 2))
diff -r "$TMP/s1" "$TMP/s2" >/dev/null || fail "SOURCE_DATE_EPOCH not reproducible"
grep -q '"issuedAt":"2026-12-01T00:00:00Z"' "$TMP"/s1/*.json \
	|| fail "issuedAt from SOURCE_DATE_EPOCH"

# stdin, and the key id as default issuer
run sh -c "grep M03 '$G' | '$BATTGRADE' certify --key '$K' --out '$TMP/i' -"
expect_status 0 "certify from stdin"
expect_out "M03 *C *new"
kid=$(sed -n 's/.*"kid":"\([^"]*\)".*/\1/p' "$P")
checks=$((checks + 1))
grep -q "\"issuer\":{\"facility\":null,\"id\":\"$kid\"" "$TMP"/i/*.json \
	|| fail "issuer defaults to the key id"

# default outbox under XDG_STATE_HOME
run env XDG_STATE_HOME="$TMP/state" "$BATTGRADE" certify --key "$K" "$G"
expect_status 0 "certify to the default outbox"
checks=$((checks + 1))
[ "$(ls "$TMP/state/battgrade/outbox" | wc -l)" -eq 4 ] || fail "outbox"

# bad input: the line and column of the fault, the others still signed
sed '2s/"grade": "B"/"grade": B/' "$G" > "$TMP/bad.jsonl"
run "$BATTGRADE" certify --key "$K" --out "$TMP/b" "$TMP/bad.jsonl"
expect_status 65 "bad grade line"
expect_err "bad.jsonl:2:[0-9]*: invalid value"
expect_out "M01"
expect_out "M03"
grep -v M01 "$G" | sed 's/"module_id": "M0[234]", //' > "$TMP/nomod.jsonl"
run "$BATTGRADE" certify --key "$K" --out "$TMP/b" "$TMP/nomod.jsonl"
expect_status 65 "missing module_id"
expect_err "nomod.jsonl:1: grade result lacks the string 'module_id'"

run "$BATTGRADE" certify --key "$K" --out "$TMP/b" "$TMP/none.jsonl"
expect_status 66 "missing input"
run "$BATTGRADE" certify --key "$TMP/nokey" --out "$TMP/b" "$G"
expect_status 66 "missing key"
expect_err "battgrade keygen"
# a directory that is no pack: 66 (no manifest), or 69 in a build
# without the grading library (t670 covers pack directories)
run "$BATTGRADE" certify --key "$K" --out "$TMP/b" "$SRC/tests"
checks=$((checks + 1))
[ "$status" -eq 66 ] || [ "$status" -eq 69 ] || fail "directory: exit $status"
run "$BATTGRADE" certify --key "$K" --issued-at yesterday "$G"
expect_status 64 "bad --issued-at"
run "$BATTGRADE" certify --key "$K" --valid-days 0 "$G"
expect_status 64 "bad --valid-days"
run "$BATTGRADE" verify
expect_status 64 "verify without files"
run "$BATTGRADE" verify --pubkey "$P" "$TMP/none.json"
expect_status 66 "verify a missing file"
finish
