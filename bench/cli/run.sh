#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# CLI load-generator benchmark: `ahttp bench` against wrk, ab and autocannon (when installed),
# all loading one nginx on loopback (nginx on CPU 0, the tool on CPU 1).
# Usage: bash bench/cli/run.sh <build-dir>   e.g. build/release
# Env: BENCH_DURATION (10 s per run), BENCH_ROUNDS (1), BENCH_CONNECTIONS (50,256),
#      BENCH_TOOLS (ahttp,wrk,ab,autocannon), BENCH_OUTPUT (bench/cli/results.md).
# Quick check: BENCH_DURATION=2 bash bench/cli/run.sh build/release
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 <build-dir>" >&2
    exit 2
fi
build_dir=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

missing=0
for tool in wrk ab taskset pgrep /usr/bin/python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run.sh: '$tool' not found (apt-get install wrk apache2-utils util-linux procps python3)" >&2
        missing=1
    fi
done
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    echo "run.sh: 'nginx' not found (apt-get install nginx-light)" >&2
    missing=1
fi
[[ $missing -eq 0 ]] || exit 1
if [[ $(nproc) -lt 2 ]]; then
    echo "run.sh: needs 2 CPUs (nginx on CPU 0, the tools on CPU 1); nproc is $(nproc)" >&2
    exit 1
fi
if [[ ! -x $build_dir/tools/ahttp/ahttp ]]; then
    echo "run.sh: note: $build_dir/tools/ahttp/ahttp is not built; ahttp is skipped"
fi

ulimit -Sn 4096 2>/dev/null || true

exec /usr/bin/python3 bench/cli/bench.py "$build_dir"
