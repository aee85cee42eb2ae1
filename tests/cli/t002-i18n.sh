#!/bin/sh
# Messages are translated (Japanese catalogue); JSON output is not.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

gmo=""
for d in "${BG_TOP_BUILDDIR:-.}/po" "$SRC/po"; do
	[ -f "$d/ja.gmo" ] && { gmo="$d/ja.gmo"; break; }
done
checks=$((checks + 1))
[ -n "$gmo" ] || fail "po/ja.gmo was not built"
mkdir -p "$TMP/loc/ja/LC_MESSAGES"
cp "$gmo" "$TMP/loc/ja/LC_MESSAGES/battgrade.mo"
ja() {
	BATTGRADE_LOCALEDIR="$TMP/loc" LANGUAGE=ja LC_ALL=C.UTF-8 "$@"
}

run ja "$BATTGRADE" --help
expect_status 0 "ja --help"
expect_out "使い方" "Japanese usage line"
expect_out "パックとデータファイルを検証し要約する" "Japanese summary"

printf 'a,b\n1,x\n' > "$TMP/bad.csv"
run ja "$BATTGRADE" inspect "$TMP/bad.csv"
checks=$((checks + 1))
[ "$status" -ne 0 ] || fail "bad file accepted"

run "$BATTGRADE" inspect --json "$SRC/data/packs/lfp-bus-4"
cp "$TMP/out" "$TMP/c.json"
run ja "$BATTGRADE" inspect --json "$SRC/data/packs/lfp-bus-4"
checks=$((checks + 1))
cmp -s "$TMP/out" "$TMP/c.json" || fail "--json output depends on the locale"

# Every source file with marked messages is listed for xgettext, or its
# messages never reach a catalogue.
for f in "$SRC"/lib/*.c "$SRC"/cmd/*.c; do
	grep -q '_("' "$f" || continue
	rel=${f#"$SRC"/}
	checks=$((checks + 1))
	grep -qx "$rel" "$SRC/po/POTFILES.in" ||
		fail "$rel marks messages but is not in po/POTFILES.in"
done
finish
