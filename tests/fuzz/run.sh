#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs every fuzz target (built by the `fuzz` preset) from its seed corpus.
#   bash tests/fuzz/run.sh [BUILD_DIR]
# FUZZ_SECONDS (default 60) per target: `make fuzz`; new inputs are kept in BUILD_DIR/corpus/.
# FUZZ_RUNS=N instead: N executions per target with a fixed seed from the checked-in corpus
# only, so the same tree always runs the same inputs (`make test` does this as a smoke pass).
# A crash input and the log are left in BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/fuzz}
status=0
for target in request_stream response_stream chunked query_cookie sse_parser websocket_frames decoder multipart router differential client_url; do
  if [[ -n ${FUZZ_RUNS:-} ]]; then
    work=$(mktemp -d)
    budget=(-runs="$FUZZ_RUNS" -seed=1)
    echo "fuzz: $target, $FUZZ_RUNS runs"
  else
    work="$build/corpus/$target"
    mkdir -p "$work"
    budget=(-max_total_time="${FUZZ_SECONDS:-60}")
    echo "fuzz: $target for ${FUZZ_SECONDS:-60}s"
  fi
  if ! "$build/tests/fuzz/${target}_fuzzer" "${budget[@]}" -dict=tests/fuzz/http.dict \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$build/${target}-" \
      "$work" "tests/fuzz/corpus/$target" 2>"$build/$target.log"; then
    echo "fuzz: $target FAILED; crash input and log in $build/ ($target.log)"
    tail -n 30 "$build/$target.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units" "$build/$target.log" | sed "s/^/fuzz: $target /" || true
  if [[ -n ${FUZZ_RUNS:-} ]]; then rm -rf "$work"; fi
done
exit $status
