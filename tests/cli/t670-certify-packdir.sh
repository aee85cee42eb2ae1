#!/bin/sh
# certify PACKDIR grades the pack first (when the build has the grading
# library) and gives the very certificates that "battgrade grade --json
# PACKDIR | battgrade certify -" gives.  Skipped in a build without it.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
# fontconfig's process-long caches are no leak of ours (sanitizer builds)
LSAN_OPTIONS="suppressions=$SRC/tests/fixtures/lsan-fontconfig.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

P="$SRC/data/packs/nmc-leaf-8"
[ -d "$P" ] || { echo "no sample pack $P"; exit 77; }
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
K="$TMP/k/battgrade.key"
run "$BATTGRADE" certify --key "$K" --out "$TMP/a" \
	--issued-at 2026-11-26T08:00:00Z "$P"
if [ "$status" -eq 69 ]; then
	expect_err "this build certifies grade results"
	echo "this build has no grading library: PACKDIR input skipped"
	[ "$failures" -eq 0 ] || exit 1
	exit 77
fi
expect_status 0 "certify PACKDIR"
checks=$((checks + 1))
[ "$(ls "$TMP"/a/*.json | wc -l)" -eq 8 ] || fail "8 certificates"
run sh -c "'$BATTGRADE' grade --json '$P' | '$BATTGRADE' certify \
	--key '$K' --out '$TMP/b' --issued-at 2026-11-26T08:00:00Z -"
expect_status 0 "grade --json | certify -"
checks=$((checks + 1))
diff -r "$TMP/a" "$TMP/b" >/dev/null || fail "PACKDIR and JSONL certificates differ"
run "$BATTGRADE" verify --pubkey "$TMP/k/battgrade.pub.jwk" "$TMP"/a/*.json
expect_status 0 "verify"
run "$BATTGRADE" certify --key "$K" --out "$TMP/c" "$TMP/k"
expect_status 66 "a directory that is no pack"
finish
