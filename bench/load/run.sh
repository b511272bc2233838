#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `make bench`: load benchmark of ahttp against nginx, h2o and a raw epoll reference (loopback).
# Usage: bash bench/load/run.sh <build-dir>   e.g. build/release
# Env: BENCH_DURATION (s per wrk run, 10), BENCH_ROUNDS (3), BENCH_SERVERS (ahttp,nginx,h2o,raw),
#      BENCH_IDLE_CONNS (10000; 0 skips), BENCH_WARMUP (1), BENCH_OUTPUT (BENCHMARKS.md).
# Quick check: BENCH_DURATION=2 BENCH_ROUNDS=1 bash bench/load/run.sh build/release
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 <build-dir>" >&2
    exit 2
fi
build_dir=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

missing=0
for tool in wrk taskset pgrep cc /usr/bin/python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run.sh: '$tool' not found (apt-get install wrk util-linux procps gcc python3)" >&2
        missing=1
    fi
done
[[ $missing -eq 0 ]] || exit 1
for tool in nginx h2o; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] ||
        echo "run.sh: note: '$tool' not found, it will be skipped (apt-get install nginx-light h2o)"
done
if [[ $(nproc) -lt 2 ]]; then
    echo "run.sh: needs 2 CPUs (server on CPU 0, wrk on CPU 1); nproc is $(nproc)" >&2
    exit 1
fi

# The raw epoll reference is built here, not by CMake.
mkdir -p "$build_dir/bench_load"
cc -O2 -Wall -Wextra -o "$build_dir/bench_load/raw_epoll" bench/reference/raw_epoll.c

# 10,000 idle connections need as many descriptors in the client and in each server.
ulimit -Hn 65536 2>/dev/null || true
ulimit -Sn 65536 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"

exec /usr/bin/python3 bench/load/bench.py "$build_dir"
