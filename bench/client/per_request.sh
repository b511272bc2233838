#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Per-request costs of ahttp's client (issue 3): user-space instructions (callgrind), L1 cache
# misses (cachegrind), heap allocations (bench/profile/count_allocs.c, LD_PRELOAD) and syscalls
# (perf stat's syscall tracepoints, else strace -c), each measured as the difference between two
# runs of ahttp_client_bench against one nginx worker (N1 and N2 GETs at concurrency C), divided
# by N2 - N1: start-up, connecting and shutdown cancel out.
# Counts, not times: they do not depend on how busy the machine is.
# Usage: bash bench/client/per_request.sh BUILD_DIR
# Env: CPR_N1 (2000), CPR_N2 (12000), CPR_CONCURRENCY (100), CPR_SKIP (comma list of
#      callgrind,cachegrind,allocs,syscalls to skip), CPR_CALLGRIND_OUT (keep the N2 callgrind
#      dump there).
# Needs nginx, perf (or strace), valgrind (callgrind_annotate), cc, taskset.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$(cd "$1" && pwd)/bench/ahttp_client_bench
[[ -x $bench ]] || { echo "$bench is not built" >&2; exit 1; }
n1=${CPR_N1:-2000}
n2=${CPR_N2:-12000}
c=${CPR_CONCURRENCY:-100}
skip=${CPR_SKIP:-}
work=$(mktemp -d)
nginx_pid=
cleanup() {
    [[ -n $nginx_pid ]] && kill -- -"$nginx_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The allocation counter, reporting once more at exit (its SIGUSR2 handler writes the line).
cat >"$work/at_exit.c" <<'EOF'
#include <signal.h>
__attribute__((destructor)) static void report_at_exit(void) { raise(SIGUSR2); }
EOF
cc -O2 -shared -fPIC -o "$work/count_allocs.so" "$root/bench/profile/count_allocs.c" \
    "$work/at_exit.c"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    client_body_temp_path $work/nginx/cb;
    proxy_temp_path $work/nginx/p;
    fastcgi_temp_path $work/nginx/f;
    uwsgi_temp_path $work/nginx/u;
    scgi_temp_path $work/nginx/s;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / { default_type text/plain; return 200 "hello"; }
    }
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
setsid taskset -c 0 "$nginx_bin" -p "$work/nginx/" -e "$work/nginx/error.log" \
    -c "$work/nginx/nginx.conf" >/dev/null 2>&1 &
nginx_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done
url="http://127.0.0.1:$port/"
client() { taskset -c 1 "$@" "$bench" "$url" -n "$n" -c "$c" >"$work/out.$n" 2>"$work/err.$n"; }
per() { awk -v a="$1" -v b="$2" -v d="$((n2 - n1))" 'BEGIN { printf "%.2f", (b - a) / d }'; }

echo "ahttp_client_bench, GET $url, (N=$n2 minus N=$n1) / $((n2 - n1)), concurrency $c"

if [[ ,$skip, != *,callgrind,* ]]; then
    declare -A ir
    for n in "$n1" "$n2"; do
        client valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" --dump-instr=no
        ir[$n]=$(callgrind_annotate "$work/cg.$n" 2>/dev/null |
            awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    done
    echo "  user-space instructions per request: $(per "${ir[$n1]}" "${ir[$n2]}")"
    [[ -z ${CPR_CALLGRIND_OUT:-} ]] || cp "$work/cg.$n2" "$CPR_CALLGRIND_OUT"
fi

if [[ ,$skip, != *,cachegrind,* ]]; then
    # Simulated cache misses (valgrind's model of this CPU's L1 caches): user space only, but
    # they say whether the user-space time goes to code or to data.
    declare -A i1 d1
    for n in "$n1" "$n2"; do
        client valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file="$work/cache.$n"
        read -r i1[$n] d1[$n] < <(grep -E '^==[0-9]+== (I1|D1) +misses:' "$work/err.$n" |
            awk '{gsub(",", "", $4); printf "%s ", $4} END {print ""}')
    done
    echo "  L1 misses per request (cachegrind): instruction $(per "${i1[$n1]}" "${i1[$n2]}")," \
        "data $(per "${d1[$n1]}" "${d1[$n2]}")"
fi

if [[ ,$skip, != *,allocs,* ]]; then
    declare -A mallocs aligned frees
    for n in "$n1" "$n2"; do
        client env LD_PRELOAD="$work/count_allocs.so"
        read -r mallocs[$n] aligned[$n] frees[$n] < <(grep '^allocs:' "$work/err.$n" | tail -1 |
            sed 's/[^0-9 ]//g')
    done
    echo "  allocations per request: malloc $(per "${mallocs[$n1]}" "${mallocs[$n2]}")," \
        "aligned $(per "${aligned[$n1]}" "${aligned[$n2]}"), free $(per "${frees[$n1]}" "${frees[$n2]}")"
fi

if [[ ,$skip, != *,syscalls,* ]]; then
    # Counted by the kernel's syscall tracepoints (perf stat) where it may: strace stops the
    # client at every call, slow enough for nginx's answer to be there when the client's
    # speculative read comes (it reported 1.1 recvfrom per request where there are 2).
    declare -A calls
    if perf stat -x, -e 'syscalls:sys_enter_getpid' -- true >/dev/null 2>&1; then
        how="perf stat, syscall tracepoints"
        for n in "$n1" "$n2"; do
            client perf stat -x, -o "$work/sys.$n" -e 'syscalls:sys_enter_*' --
            awk -F, '$3 ~ /^syscalls:sys_enter_/ && $1 ~ /^[0-9]+$/ {
                sub("syscalls:sys_enter_", "", $3); print $3, $1 }' "$work/sys.$n" >"$work/calls.$n"
        done
    else
        how="strace -c, which slows the client: reads may find answers they would not"
        for n in "$n1" "$n2"; do
            client strace -f -c -o "$work/strace.$n"
            awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" {
                print $NF, ($4 ~ /^[0-9]+$/ ? $4 : $3) }' "$work/strace.$n" >"$work/calls.$n"
        done
    fi
    echo "  syscalls per request ($how):"
    while read -r name b; do
        a=$(awk -v s="$name" '$1 == s { print $2 }' "$work/calls.$n1")
        v=$(per "${a:-0}" "$b")
        awk -v v="$v" -v s="$name" 'BEGIN { if (v >= 0.01) printf "    %-14s %s\n", s, v }'
    done <"$work/calls.$n2"
fi
grep -h '"errors":0' "$work/out.$n2" >/dev/null || { echo "client errors: $(cat "$work/out.$n2")" >&2; exit 1; }
