# SPDX-License-Identifier: BSL-1.0
# Thin wrapper over CMake presets. `make demo` and `make test` work on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(HOME)/.cache/ccache
# Sanitizer reports stop the test with a stack; a finding is never only a log line.
ASAN_OPTIONS ?= abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=0
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1

.PHONY: all deps configure build demo test unit bench soak fuzz fuzz-build fuzz-smoke sanitize asan-test asan-test-all tsan-test tidy format format-check consumer clean

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

# Every test: unit, loopback integration (curl, python peers) and the find_package consumer,
# then the fuzz smoke pass and the sanitizer runs.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 300
	bash tests/cmake_consumer/run.sh $(BUILD_DIR)
	$(MAKE) fuzz-smoke
	$(MAKE) sanitize

# The library's whole test suite under ASan + UBSan, and its multi-threaded tests (workers,
# to_thread, test servers beside clients, the client pool) under TSan. The examples' and the
# command-line tool's tests run in the release build only (see docs/security.md).
sanitize: asan-test tsan-test

asan-test: deps
	cmake --preset ci-asan
	cmake --build --preset ci-asan -j $(JOBS)
	ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  ctest --test-dir build/ci-asan --output-on-failure -j $(JOBS) --timeout 600

# The same with the examples' and the command-line tool's tests as well: 5 more minutes of
# compiling on two cores, which the 40-minute CI budget has no room for; run it by hand.
asan-test-all: deps
	cmake --preset ci-asan -B build/ci-asan-all -DAHTTP_BUILD_TOOLS=ON -DAHTTP_BUILD_EXAMPLES=ON
	cmake --build build/ci-asan-all -j $(JOBS)
	ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  ctest --test-dir build/ci-asan-all --output-on-failure -j $(JOBS) --timeout 600

TSAN_TESTS := runtime/ahttp_runtime_tests web/ahttp_web_tests client/ahttp_client_tests
tsan-test: deps
	cmake --preset ci-tsan
	cmake --build --preset ci-tsan -j $(JOBS) --target $(notdir $(TSAN_TESTS))
	set -e; for t in $(TSAN_TESTS); do \
	  TSAN_OPTIONS=$(TSAN_OPTIONS) timeout 900 build/ci-tsan/tests/$$t --gtest_brief=1; done

bench: build
	@bash scripts/install-deps.sh --bench
	bash bench/load/run.sh $(BUILD_DIR)
	bash bench/client/run.sh $(BUILD_DIR)
	bash bench/cli/run.sh $(BUILD_DIR)
	bash bench/websocket/run.sh $(BUILD_DIR)

# Ten minutes (SOAK_SECONDS) of mixed load against a server; fails on RSS growth over 5% after
# the first minute, on any unexpected response, or on an unclean exit. Not part of `make test`.
soak: build
	bash bench/soak/run.sh $(BUILD_DIR)

# libFuzzer targets under ASan+UBSan (clang), FUZZ_SECONDS each (default 60).
fuzz: deps fuzz-build
	bash tests/fuzz/run.sh build/fuzz

fuzz-build:
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

# The fuzz targets' deterministic smoke pass that `make test` (and so CI) runs.
fuzz-smoke: fuzz-build
	FUZZ_RUNS=200000 bash tests/fuzz/run.sh build/fuzz

# clang-tidy (.clang-tidy) on the C++ files changed since TIDY_BASE (default: the last
# commit). Its own configure without unity batches: clang-tidy needs each file's command.
TIDY_BASE ?= HEAD~1
tidy:
	cmake --preset release -B build/tidy -DCMAKE_UNITY_BUILD=OFF > /dev/null
	git diff --name-only --diff-filter=AM $(TIDY_BASE) -- '*.cpp' | grep -v '^tests/fuzz/' | \
	  xargs -r run-clang-tidy -quiet -p build/tidy -j $(JOBS)

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
