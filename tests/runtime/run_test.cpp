// SPDX-License-Identifier: BSL-1.0
// ahttp::run: returns the coroutine's value, rethrows its exception.
#include <ahttp/awaitable.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

ahttp::awaitable<int> answer()
{
    co_return 42;
}
ahttp::awaitable<void> fail()
{
    throw std::runtime_error("boom");
    co_return;
}

TEST(RunTest, ReturnsTheCoroutinesValue)
{
    EXPECT_EQ(ahttp::run(answer()), 42);
}

TEST(RunTest, RethrowsTheCoroutinesException)
{
    EXPECT_THROW(ahttp::run(fail()), std::runtime_error);
}

} // namespace
