#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `make soak`: ten minutes of mixed load against an ahttp server in a child process; fails if
# the server's RSS at the end is more than 5% above its RSS at the baseline point, if any
# request had an unexpected outcome, or if the server does not exit 0 on SIGTERM.
# Usage: bash bench/soak/run.sh <build-dir>   e.g. build/release
# Env: SOAK_SECONDS (600), SOAK_BASELINE_SECONDS (min(60, SOAK_SECONDS/3)),
#      SOAK_MAX_GROWTH (0.05), SOAK_REPORT_EVERY (10).
# Quick check: SOAK_SECONDS=90 bash bench/soak/run.sh build/release   (baseline at 30 s)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_start "$@"

binary="$build_dir/bench/soak/ahttp_soak"
if [[ ! -x $binary ]]; then
    echo "run.sh: $binary not found (cmake --build $build_dir --target ahttp_soak)" >&2
    exit 2
fi
args=(--seconds "${SOAK_SECONDS:-600}" --max-growth "${SOAK_MAX_GROWTH:-0.05}"
      --report-every "${SOAK_REPORT_EVERY:-10}" --server-log "$build_dir/bench/soak/server.log")
if [[ -n ${SOAK_BASELINE_SECONDS:-} ]]; then
    args+=(--baseline-seconds "$SOAK_BASELINE_SECONDS")
fi
exec "$binary" "${args[@]}"
