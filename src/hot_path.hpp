// SPDX-License-Identifier: BSL-1.0
// AHTTP_HOT_PATH marks a function that every client request runs (definitions only).
#pragma once

// Why: the client's per-request code is as large as the core's L1 instruction cache, so its
// time goes to fetching instructions more than to running them. Where the linker puts the
// functions decides how many cache lines they conflict on (bench/client/results.md). The
// compilers put hot functions in .text.hot, and the linker gathers that section in one place,
// in the library and in any program it is linked into. See
// docs/design/0006-client-hot-path-layout.md.
#define AHTTP_HOT_PATH [[gnu::hot]]
