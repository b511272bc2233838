# SPDX-License-Identifier: BSL-1.0
# Sourced by bench/*/run.sh: the checks every benchmark script makes before it starts.
# After `bench_start "$@"`, $build_dir is set and the working directory is the repository.

bench_missing=0

# bench_start <args of run.sh>: one argument, the build directory.
bench_start() {
    if [[ $# -ne 1 ]]; then
        echo "usage: $0 <build-dir>" >&2
        exit 2
    fi
    build_dir=$1
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
}

# bench_require "<apt-get hint>" tool...: notes each tool that is not on PATH.
bench_require() {
    local hint=$1
    shift
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "run.sh: '$tool' not found (apt-get install $hint)" >&2
            bench_missing=1
        fi
    done
}

# bench_require_nginx: nginx on PATH or in /usr/sbin.
bench_require_nginx() {
    if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
        echo "run.sh: 'nginx' not found (apt-get install nginx-light)" >&2
        bench_missing=1
    fi
}

# bench_checked "<who runs on which CPU>": stops if a tool is missing or there are < 2 CPUs.
bench_checked() {
    [[ $bench_missing -eq 0 ]] || exit 1
    if [[ $(nproc) -lt 2 ]]; then
        echo "run.sh: needs 2 CPUs ($1); nproc is $(nproc)" >&2
        exit 1
    fi
}

# bench_build_reference <name> <subdir> [libraries...]: builds bench/reference/<name>.c, a
# one-file C floor, with cc -O2 into $build_dir/<subdir>/<name> (not part of the CMake build).
bench_build_reference() {
    local name=$1 subdir=$2
    shift 2
    mkdir -p "$build_dir/$subdir"
    cc -O2 -Wall -Wextra -o "$build_dir/$subdir/$name" "bench/reference/$name.c" "$@"
}
