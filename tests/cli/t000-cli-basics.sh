#!/bin/sh
# The dispatcher: version, help, unknown commands and options.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

run "$BATTGRADE" --version
expect_status 0 "--version"
expect_out "^battgrade [0-9]" "--version"

run "$BATTGRADE" --help
expect_status 0 "--help"
expect_out "inspect" "--help lists commands"
expect_empty_err "--help"

run "$BATTGRADE" help
expect_status 0 "help"
expect_out "^usage: battgrade"

run "$BATTGRADE"
expect_status 64 "no command"

run "$BATTGRADE" inspcet
expect_status 64 "typo"
expect_err "not a battgrade command"
expect_err "inspect" "suggestion"

run "$BATTGRADE" --bogus
expect_status 64 "unknown global option"
expect_err "unknown option '--bogus'"

run "$BATTGRADE" fit
expect_status 64 "fit without family"

run "$BATTGRADE" fit nonsense
expect_status 64 "fit unknown family"
expect_err "unknown model family 'nonsense'"

run "$BATTGRADE" fit --help
expect_status 0 "fit --help"
expect_out "capacity"

# Every command in the table answers --help on stdout with status 0.
for c in $(sed -n 's/^BG_COMMAND(\([a-z]*\),.*/\1/p' "$SRC/cmd/commands.def"); do
	run "$BATTGRADE" help "$c"
	expect_status 0 "help $c"
	expect_out "usage" "help $c"
done

# Exit codes in the table match battgrade(1) EXIT STATUS.
for code in $(sed -n 's/.*= \([0-9][0-9]*\),*$/\1/p' "$SRC/cmd/exit.h"); do
	checks=$((checks + 1))
	grep -q "^\.B $code\$\|^\.IP $code\$\|^$code\$" "$SRC/man/battgrade.1" \
		|| fail "exit status $code not in battgrade(1)"
done
finish
