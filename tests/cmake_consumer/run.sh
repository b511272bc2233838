#!/usr/bin/env bash
# Proves that ahttp can be consumed: find_package() against a staged install, and
# add_subdirectory(). Usage: tests/cmake_consumer/run.sh <ahttp build dir>
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

cmake -S "$here/find_package" -B "$work/fp" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" "${launcher[@]}" >/dev/null
cmake --build "$work/fp" >/dev/null
[ "$("$work/fp/consumer")" = "consumer ok" ] || { echo "cmake_consumer: find_package consumer failed"; exit 1; }

cmake -S "$here/subdirectory" -B "$work/sd" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DAHTTP_SOURCE_DIR="$source_dir" "${launcher[@]}" >/dev/null
cmake --build "$work/sd" --target consumer >/dev/null
[ "$("$work/sd/consumer")" = "consumer ok" ] || { echo "cmake_consumer: add_subdirectory consumer failed"; exit 1; }
echo "cmake_consumer: find_package and add_subdirectory consumers built and ran"
