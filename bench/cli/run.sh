#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# CLI load-generator benchmark: `ahttp bench` against wrk, ab and autocannon (when installed),
# all loading one nginx on loopback (nginx on CPU 0, the tool on CPU 1).
# Usage: bash bench/cli/run.sh <build-dir>   e.g. build/release
# Env: BENCH_DURATION (10 s per run), BENCH_ROUNDS (1), BENCH_CONNECTIONS (50,256),
#      BENCH_TOOLS (ahttp,wrk,ab,autocannon), BENCH_OUTPUT (bench/cli/results.md).
# Quick check: BENCH_DURATION=2 bash bench/cli/run.sh build/release
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_start "$@"
bench_require "wrk apache2-utils util-linux procps python3" wrk ab taskset pgrep /usr/bin/python3
bench_require_nginx
bench_checked "nginx on CPU 0, the tools on CPU 1"
if [[ ! -x $build_dir/tools/ahttp/ahttp ]]; then
    echo "run.sh: note: $build_dir/tools/ahttp/ahttp is not built; ahttp is skipped"
fi

ulimit -Sn 4096 2>/dev/null || true

exec /usr/bin/python3 bench/cli/bench.py "$build_dir"
