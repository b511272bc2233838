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

if [[ $# -ne 1 ]]; then
    echo "usage: $0 <build-dir>" >&2
    exit 2
fi
build_dir=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

missing=0
for tool in wrk curl taskset pgrep /usr/bin/python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run.sh: '$tool' not found (apt-get install wrk curl util-linux procps python3)" >&2
        missing=1
    fi
done
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    echo "run.sh: 'nginx' not found (apt-get install nginx-light)" >&2
    missing=1
fi
if ! /usr/bin/python3 -c 'import aiohttp, requests' 2>/dev/null; then
    echo "run.sh: /usr/bin/python3 lacks aiohttp or requests (apt-get install python3-aiohttp" \
        "python3-requests)" >&2
    missing=1
fi
[[ $missing -eq 0 ]] || exit 1
if [[ $(nproc) -lt 2 ]]; then
    echo "run.sh: needs 2 CPUs (nginx on CPU 0, clients on CPU 1); nproc is $(nproc)" >&2
    exit 1
fi
if [[ ! -x $build_dir/bench/ahttp_client_bench ]]; then
    echo "run.sh: note: $build_dir/bench/ahttp_client_bench is not built; ahttp is skipped"
fi

ulimit -Sn 4096 2>/dev/null || true

exec /usr/bin/python3 bench/client/bench.py "$build_dir"
