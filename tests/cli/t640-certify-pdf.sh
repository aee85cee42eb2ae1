#!/bin/sh
# certify --pdf writes one page per module with the grade and the
# registry address of the QR code.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
# fontconfig's process-long caches are no leak of ours (sanitizer builds)
LSAN_OPTIONS="suppressions=$SRC/tests/fixtures/lsan-fontconfig.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

G="$SRC/tests/fixtures/cert/grades.jsonl"
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
run "$BATTGRADE" certify --pdf --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	--registry-url https://registry.example.org/ --facility LAB-7 \
	--issued-at 2026-11-26T08:00:00Z "$G"
expect_status 0 "certify --pdf"
checks=$((checks + 1))
[ "$(ls "$TMP"/o/*.pdf | wc -l)" -eq 4 ] || fail "four PDFs"
for p in "$TMP"/o/*.pdf; do
	checks=$((checks + 1))
	[ "$(head -c 5 "$p")" = "%PDF-" ] || fail "$p is no PDF"
done
if command -v pdftotext >/dev/null 2>&1; then
	a=$(grep -l '"moduleId":"M01"' "$TMP"/o/*.json)
	id=$(basename "$a" .json)
	run pdftotext "$TMP/o/$id.pdf" -
	expect_out "Battery module grade certificate"
	expect_out "LEAF-2013-0042"
	expect_out "LAB-7"
	expect_out "https://registry.example.org/v1/certificates/$id"
	run pdfinfo "$TMP/o/$id.pdf"
	expect_out "^Pages: *1$"
else
	echo "pdftotext not installed (Debian poppler-utils): text checks skipped"
fi
# the registry URL is signed into the certificate the QR code points to
expect_status 0
checks=$((checks + 1))
grep -q '"registry":"https://registry.example.org/"' "$TMP"/o/*.json \
	|| fail "registry in the certificate"
finish
