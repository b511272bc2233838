// SPDX-License-Identifier: BSL-1.0
// AHTTP_HOT_PATH marks a function that every client request runs (definitions only);
// rarely_taken() marks the branches of such a function that requests seldom take.
#pragma once

// Why: the client's per-request code is as large as the core's L1 instruction cache, so its
// time goes to fetching instructions more than to running them. Where the linker puts the
// functions decides how many cache lines they conflict on (bench/client/results.md). The
// compilers put hot functions in .text.hot, and the linker gathers that section in one place,
// in the library and in any program it is linked into. See
// docs/design/0006-client-hot-path-layout.md.
#define AHTTP_HOT_PATH [[gnu::hot]]

namespace ahttp::detail {

/// Called first in a branch of a hot function that requests seldom take (an error, a redirect,
/// a body to stream, TLS): g++ then moves the branch out of the function's body into its
/// ".cold" part in .text.unlikely, so that the lines every request runs sit together.
/// [[unlikely]] and __builtin_expect only reorder blocks inside the body. A coroutine's code
/// after a co_await is reached from its resume switch as well: mark it there again.
[[gnu::cold, gnu::noinline]] inline void rarely_taken() noexcept
{
    asm volatile(""); // a call to an empty function may be dropped, and its mark with it
}

} // namespace ahttp::detail
