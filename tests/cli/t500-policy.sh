#!/bin/sh
# battgrade policy: list, show, check with clear errors.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

run "$BATTGRADE" policy list
expect_status 0 "policy list"
expect_out "^default " "list names the default policy"

run "$BATTGRADE" policy show default
expect_status 0 "policy show"
expect_out "soh_capacity.A" "show lists rules"
expect_out "frequency-regulation" "show lists applications"
expect_out "LFP=0.82" "show lists per-chemistry thresholds"

# show --json prints the very bytes that are hashed.
run "$BATTGRADE" policy --json show default
expect_status 0 "policy show --json"
checks=$((checks + 1))
cmp -s "$TMP/out" "$SRC/models/policies/default.json" \
	|| fail "show --json differs from the file"

want=$(sha256sum "$SRC/models/policies/default.json" | cut -c1-64)
run "$BATTGRADE" policy check "$SRC/models/policies/default.json"
expect_status 0 "check default"
expect_out "ok: policy default" "check ok"
expect_out "$want" "check prints sha256sum's hash"

# A syntax error: file:line:col.
printf '{\n  "name": "x",\n  "version" "1"\n}\n' >"$TMP/bad.json"
run "$BATTGRADE" policy check "$TMP/bad.json"
expect_status 78 "syntax error"
expect_err "bad.json:3:13: JSON syntax error" "syntax error location"

# A semantic error: the member path.
sed 's/"op": ">=", "threshold": 0.80/"op": "=>", "threshold": 0.80/' \
	"$SRC/models/policies/default.json" >"$TMP/op.json"
run "$BATTGRADE" policy check "$TMP/op.json"
expect_status 78 "bad op"
expect_err "op.json: gates\[3\].rules\[0\].op: '=>' is not one of" "member path"

run "$BATTGRADE" policy show nonesuch
expect_status 66 "unknown policy"
expect_err "no policy named 'nonesuch'"

run "$BATTGRADE" policy frobnicate
expect_status 64 "unknown verb"
finish
