#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Installs every Debian package that ahttp's build, tests, demo and benchmarks need.
# Idempotent: runs apt-get update and install only when a package is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ clang libclang-rt-14-dev clang-format clang-tidy cmake ninja-build ccache pkg-config
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev zlib1g-dev libbrotli-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test peers and load tools
  curl nginx-light wrk apache2-utils h2o python3 python3-requests python3-aiohttp python3-httpbin gunicorn
  procps util-linux openssl valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
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
echo "install-deps: done"
