#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# WebSocket echo benchmark (issue 5; `make bench` runs it): ahttp vs python3-aiohttp vs node ws,
# with a raw epoll echo in C (bench/reference/raw_ws_echo.c) as the floor.
# Usage: bash bench/websocket/run.sh <build-dir>   e.g. build/release
# Env: WSBENCH_ROUNDS (3), WSBENCH_SECONDS (3), WSBENCH_CONNECTIONS (1,100), WSBENCH_OUTPUT.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_start "$@"
bench_require "util-linux nodejs python3 build-essential" taskset node /usr/bin/python3 cc
if ! /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
    echo "run.sh: /usr/bin/python3 lacks aiohttp (apt-get install python3-aiohttp)" >&2
    bench_missing=1
fi
if [[ ! -d tests/browser/node_modules/ws ]]; then
    echo "run.sh: node's ws is missing (bash scripts/install-deps.sh installs it)" >&2
    bench_missing=1
fi
for binary in ahttp_ws_bench ahttp_bench_server; do
    if [[ ! -x $build_dir/bench/$binary ]]; then
        echo "run.sh: $build_dir/bench/$binary is not built" >&2
        bench_missing=1
    fi
done
bench_checked "servers on CPU 0, the driver on CPU 1"
bench_build_reference raw_ws_echo bench_websocket -lcrypto
ulimit -Sn 4096 2>/dev/null || true
exec /usr/bin/python3 bench/websocket/bench.py "$build_dir"
