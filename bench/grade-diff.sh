#!/bin/sh
# bench/grade-diff.sh OLD.csv NEW.csv: compare two `battgrade grade
# --csv` outputs module by module (matched on pack_id and module_id):
# grade, deciding rule, best application, SOH figures rounded to 3
# decimals and remaining-life years rounded to 1 decimal (as the table
# prints them).  Prints the counts and every module whose grade or
# deciding rule changed; exit status 1 when any grade changed or a
# module is missing from either file.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: grade-diff.sh OLD.csv NEW.csv" >&2
	exit 64
fi
awk -F, '
function r(v, d) { return v == "" || v == "-" ? "-" : sprintf("%." d "f", v) }
FNR == 1 { next }
{
	k = $1 "," $2
	v = $3 "|" $10 "|" $9 "|" r($4, 3) "|" r($5, 3) "|" r($7, 1) "|" r($8, 1)
}
NR == FNR { old[k] = v; og[k] = $3; od[k] = $10; n++; next }
{
	if (!(k in old)) { missing++; print "only in new: " k; next }
	seen[k] = 1
	if (og[k] != $3) { grade++; print "grade " k ": " og[k] " -> " $3 " (" od[k] " -> " $10 ")" }
	else if (od[k] != $10) { rule++; print "deciding rule " k ": " od[k] " -> " $10 }
	if (old[k] != v) { fig++; if (og[k] == $3 && od[k] == $10) print "figures " k ": " old[k] " -> " v }
}
END {
	for (k in old) if (!(k in seen)) { missing++; print "only in old: " k }
	printf "modules %d: grade changed %d, deciding rule changed %d, " \
	       "rounded figures or application changed %d, missing %d\n",
	       n, grade, rule, fig, missing
	exit grade || missing ? 1 : 0
}' "$1" "$2"
