#!/bin/sh
# bench/eis: equivalent-circuit fit speed (synthetic two-arc spectra and
# every real spectrum of the shared data); see bench/README.md "## eis".
set -e
"${BG_TOP_BUILDDIR:-.}/bench/bench_eis" "${BG_EIS_FITS:-2000}"
