# SPDX-License-Identifier: BSL-1.0
# Thin wrapper over CMake presets. `make demo` and `make test` work on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: all deps configure build demo test unit bench fuzz fuzz-build fuzz-smoke format format-check consumer clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# The seeds' experiments, end to end, against servers embedded in the process (`ahttp demo`).
demo: build
	$(BUILD_DIR)/tools/ahttp/ahttp demo

# Every test: unit, loopback integration (curl, python peers) and the find_package consumer.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 300
	bash tests/cmake_consumer/run.sh $(BUILD_DIR)
	$(MAKE) fuzz-smoke

bench: build
	bash bench/load/run.sh $(BUILD_DIR)
	bash bench/client/run.sh $(BUILD_DIR)
	bash bench/cli/run.sh $(BUILD_DIR)
	bash bench/websocket/run.sh $(BUILD_DIR)

# libFuzzer targets under ASan+UBSan (clang), FUZZ_SECONDS each (default 60).
fuzz: deps fuzz-build
	bash tests/fuzz/run.sh build/fuzz

fuzz-build:
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

# The fuzz targets' deterministic smoke pass that `make test` (and so CI) runs.
fuzz-smoke: fuzz-build
	FUZZ_RUNS=200000 bash tests/fuzz/run.sh build/fuzz

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
