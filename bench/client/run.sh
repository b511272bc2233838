#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Client benchmark (issue 3; `make bench` runs it after bench/load/run.sh): ahttp's client against
# wrk, python aiohttp, curl --parallel and python requests, all against one nginx on loopback.
# Usage: bash bench/client/run.sh <build-dir>   e.g. build/release
# Env: CBENCH_REQUESTS (20000), CBENCH_CONCURRENCY (100), CBENCH_ROUNDS (3),
#      CBENCH_WRK_DURATION (2), CBENCH_RETRIES (2), CBENCH_TIMEOUT (180), CBENCH_CLIENTS (all),
#      CBENCH_OUTPUT (bench/client/results.md).
# Quick check: CBENCH_ROUNDS=1 bash bench/client/run.sh build/release
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_start "$@"
bench_require "wrk curl util-linux procps python3 build-essential" wrk curl taskset pgrep /usr/bin/python3 cc
bench_require_nginx
if ! /usr/bin/python3 -c 'import aiohttp, requests' 2>/dev/null; then
    echo "run.sh: /usr/bin/python3 lacks aiohttp or requests (apt-get install python3-aiohttp" \
        "python3-requests)" >&2
    bench_missing=1
fi
bench_checked "nginx on CPU 0, clients on CPU 1"
if [[ ! -x $build_dir/bench/ahttp_client_bench ]]; then
    echo "run.sh: note: $build_dir/bench/ahttp_client_bench is not built; ahttp is skipped"
fi

bench_build_reference raw_client bench_client

ulimit -Sn 4096 2>/dev/null || true

exec /usr/bin/python3 bench/client/bench.py "$build_dir"
