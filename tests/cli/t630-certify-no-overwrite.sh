#!/bin/sh
# certify never replaces a different certificate of the same name and
# leaves no temporary files behind.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

G="$SRC/tests/fixtures/cert/grades.jsonl"
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
K="$TMP/k/battgrade.key"
grep M01 "$G" > "$TMP/one.jsonl"

run "$BATTGRADE" certify --key "$K" --out "$TMP/o" \
	--issued-at 2026-11-26T08:00:00Z "$TMP/one.jsonl"
expect_status 0 "certify"
f=$(ls "$TMP"/o/*.json)
echo "someone else's file" > "$f"
run "$BATTGRADE" certify --key "$K" --out "$TMP/o" \
	--issued-at 2026-11-26T08:00:00Z "$TMP/one.jsonl"
expect_status 73 "different file under the certificate's name"
expect_err "a different file exists: not replacing it"
checks=$((checks + 2))
[ "$(cat "$f")" = "someone else's file" ] || fail "file was replaced"
[ "$(ls "$TMP/o" | wc -l)" -eq 1 ] || fail "temporary files left: $(ls "$TMP/o")"

# an output directory that cannot be created
touch "$TMP/file"
run "$BATTGRADE" certify --key "$K" --out "$TMP/file/o" "$TMP/one.jsonl"
expect_status 73 "output under a file"
finish
