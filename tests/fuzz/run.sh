#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs every fuzz target for FUZZ_SECONDS (default 60) each, from a copy of its seed corpus
# (tests/fuzz/corpus/<target>/ stays as checked in; new inputs go to build/fuzz/corpus/).
# Usage: bash tests/fuzz/run.sh [BUILD_DIR]   (built by the `fuzz` preset: make fuzz)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/fuzz}
seconds=${FUZZ_SECONDS:-60}
status=0
for target in request_stream chunked; do
  work="$build/corpus/$target"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/$target/* "$work/" 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  if ! "$build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -dict=tests/fuzz/http.dict \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$build/${target}-" "$work" \
      2>"$build/$target.log"; then
    echo "fuzz: $target FAILED; crash input and log in $build/ ($target.log)"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/$target.log" | sed "s/^/fuzz: $target /"
done
exit $status
