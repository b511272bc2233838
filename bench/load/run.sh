#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `make bench`: load benchmark of ahttp against nginx, h2o and a raw epoll reference (loopback).
# Usage: bash bench/load/run.sh <build-dir>   e.g. build/release
# Env: BENCH_DURATION (s per wrk run, 10), BENCH_ROUNDS (3), BENCH_SERVERS (ahttp,nginx,h2o,raw),
#      BENCH_IDLE_CONNS (10000; 0 skips), BENCH_WARMUP (1), BENCH_OUTPUT (BENCHMARKS.md).
# Quick check: BENCH_DURATION=2 BENCH_ROUNDS=1 bash bench/load/run.sh build/release
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_start "$@"
bench_require "wrk util-linux procps gcc python3" wrk taskset pgrep cc /usr/bin/python3
for tool in nginx h2o; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] ||
        echo "run.sh: note: '$tool' not found, it will be skipped (apt-get install nginx-light h2o)"
done
bench_checked "server on CPU 0, wrk on CPU 1"

bench_build_reference raw_epoll bench_load

# 10,000 idle connections need as many descriptors in the client and in each server.
ulimit -Hn 65536 2>/dev/null || true
ulimit -Sn 65536 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"

exec /usr/bin/python3 bench/load/bench.py "$build_dir"
