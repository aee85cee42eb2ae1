#!/bin/sh
# The grading output of the bundled sample packs (18 modules, recorded
# with "battgrade grade --json data/packs/*" as
# tests/fixtures/cert/sample-grades.jsonl): every module is certified,
# every certificate verifies and carries the grade, module, pack and
# policy hash it was given, and the PDF pages are written.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
# fontconfig's process-long caches are no leak of ours (sanitizer builds)
LSAN_OPTIONS="suppressions=$SRC/tests/fixtures/lsan-fontconfig.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

G="$SRC/tests/fixtures/cert/sample-grades.jsonl"
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
run "$BATTGRADE" certify --pdf --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	--issued-at 2026-11-26T08:00:00Z "$G"
expect_status 0 "certify the sample packs"
expect_empty_err "certify"
checks=$((checks + 2))
[ "$(ls "$TMP"/o/*.json | wc -l)" -eq 18 ] || fail "18 certificates"
[ "$(ls "$TMP"/o/*.pdf | wc -l)" -eq 18 ] || fail "18 PDFs"

run "$BATTGRADE" verify --json --pubkey "$TMP/k/battgrade.pub.jwk" "$TMP"/o/*.json
expect_status 0 "verify the sample certificates"
checks=$((checks + 1))
[ "$(grep -c '"valid":true' "$TMP/out")" -eq 18 ] || fail "18 valid"

# each input line's pack, module, grade and policy hash is in exactly
# one certificate
while IFS= read -r line; do
	head='^{"pack_id": *"\([^"]*\)", *"module_id": *"\([^"]*\)", *"grade": *"\([^"]*\)".*'
	pack=$(printf '%s\n' "$line" | sed "s/$head/\\1/")
	mod=$(printf '%s\n' "$line" | sed "s/$head/\\2/")
	grade=$(printf '%s\n' "$line" | sed "s/$head/\\3/")
	sha=$(printf '%s\n' "$line" | sed 's/.*"policy_sha256": *"\([0-9a-f]*\)".*/\1/')
	n=$(grep -l "\"moduleId\":\"$mod\",\"nominalVoltage" "$TMP"/o/*.json \
		| xargs grep -l "\"packId\":\"$pack\"" \
		| xargs grep -l "\"grade\":\"$grade\"" \
		| xargs grep -l "\"sha256\":\"$sha\"" | wc -l)
	checks=$((checks + 1))
	[ "$n" -eq 1 ] || fail "$(printf '%.40s' "$pack $mod $grade"): $n certificates"
done < "$G"
finish
