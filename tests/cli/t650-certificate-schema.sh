#!/bin/sh
# Certificates that certify writes validate against the shipped JSON
# Schema (needs python3 with jsonschema, Debian python3-jsonschema;
# skipped without), and bodies the schema refuses are refused by
# verify too.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "python3-jsonschema not installed: JSON Schema check skipped"
	exit 77
fi
S="$SRC/models/schema/certificate-1.schema.json"
mkdir "$TMP/k"
"$BATTGRADE" keygen --out "$TMP/k" >/dev/null || exit 1
run "$BATTGRADE" certify --key "$TMP/k/battgrade.key" --out "$TMP/o" \
	--registry-url https://registry.example.org \
	"$SRC/tests/fixtures/cert/grades.jsonl"
expect_status 0 "certify"
cat > "$TMP/check.py" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    body = json.load(open(f))["certificate"]
    for e in v.iter_errors(body):
        print(f, list(e.path), e.message); bad += 1
    # the schema refuses what verify refuses
    for mutate in (lambda b: b["decision"].__setitem__("grade", "X"),
                   lambda b: b.__setitem__("extra", 1),
                   lambda b: b["decision"]["policy"].__setitem__("sha256", "0"),
                   lambda b: b["subject"].__setitem__("moduleId", "")):
        m = json.loads(json.dumps(body)); mutate(m)
        if v.is_valid(m):
            print(f, "schema accepts a mutation verify refuses"); bad += 1
sys.exit(1 if bad else 0)
PY
run python3 "$TMP/check.py" "$S" "$TMP"/o/*.json
expect_status 0 "JSON Schema validation"
finish
