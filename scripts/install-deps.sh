#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Installs every Debian package that ahttp's build, tests, demo and benchmarks need.
# Idempotent: runs apt-get update and install only when a package is missing.
# `--bench` also installs bench/node's npm packages (autocannon), which only `make bench` uses.
set -euo pipefail

with_bench_modules=0
for arg in "$@"; do
  case "$arg" in
    --bench) with_bench_modules=1 ;;
    *) echo "install-deps: unknown argument '$arg' (only --bench)" >&2; exit 2 ;;
  esac
done

packages=(
  # toolchain
  build-essential g++ clang libclang-rt-14-dev clang-format clang-tidy cmake ninja-build ccache pkg-config
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev zlib1g-dev libbrotli-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test peers and load tools
  curl nginx-light wrk apache2-utils h2o python3 python3-requests python3-aiohttp python3-httpbin python3-websockets gunicorn
  procps util-linux openssl valgrind
  # browser tests and WebSocket peers (tests/browser: playwright-core drives Debian's Chromium,
  # node's ws is a peer); npm is added below only if nodejs does not bring it
  chromium nodejs
)

# npm packages pinned by a package-lock.json: tests/browser's (playwright-core, ws) always,
# bench/node's (autocannon) with --bench. Idempotent: runs only until an install completes
# (npm writes node_modules/.package-lock.json last). Never downloads a browser: Chromium comes
# from Debian. The tests need tests/browser's, so its failure stops this script; autocannon is
# optional (bench/cli skips it), so bench/node's only warns.
install_node_modules() {
  local root dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for dir in tests/browser $([ "$with_bench_modules" = 1 ] && echo bench/node); do
    if [ -f "$root/$dir/package-lock.json" ] && [ ! -f "$root/$dir/node_modules/.package-lock.json" ]; then
      echo "install-deps: npm ci in $dir"
      if ! (cd "$root/$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund); then
        rm -rf "${root:?}/$dir/node_modules"
        if [ "$dir" = bench/node ]; then
          echo "install-deps: npm ci in $dir failed; the benchmarks will skip autocannon" >&2
        else
          echo "install-deps: npm ci in $dir failed" >&2
          exit 1
        fi
      fi
    fi
  done
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Debian's nodejs comes without npm (a package of its own); NodeSource's includes it, and
# Debian's npm package would conflict with it. So npm is asked for only when none is there.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  install_node_modules
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx and h2o are peers started by our own tests and benchmarks; the packages' system
# services are not wanted (they would hold port 80).
for svc in nginx h2o; do
  if command -v systemctl >/dev/null 2>&1; then "${sudo[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  "${sudo[@]}" service "$svc" stop >/dev/null 2>&1 || true
done
install_node_modules
echo "install-deps: done"
