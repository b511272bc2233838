// SPDX-License-Identifier: BSL-1.0
// The bench histogram: percentiles of known distributions within 1%, exact extremes, mean and
// standard deviation, merging, the empty histogram, and values from microseconds to minutes.
#include "bench/histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace {

using namespace std::chrono_literals;
using ahttp::cli::bench::histogram;

double ns(std::chrono::nanoseconds v)
{
    return static_cast<double>(v.count());
}

void expect_within_one_percent(std::chrono::nanoseconds actual, double expected, double p)
{
    EXPECT_NEAR(ns(actual), expected, expected * 0.01) << "p" << p;
}

TEST(BenchHistogramTest, EmptyReportsZeros)
{
    histogram const h;
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.min(), 0ns);
    EXPECT_EQ(h.max(), 0ns);
    EXPECT_EQ(h.value_at_percentile(50), 0ns);
    EXPECT_EQ(h.value_at_percentile(100), 0ns);
    EXPECT_EQ(h.mean_ns(), 0.0);
    EXPECT_EQ(h.stdev_ns(), 0.0);
}

TEST(BenchHistogramTest, UniformPercentilesWithinOnePercent)
{
    histogram h;
    for (std::int64_t us = 1; us <= 100000; ++us) {
        h.record(std::chrono::microseconds{us});
    }
    EXPECT_EQ(h.count(), 100000u);
    for (double const p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99}) {
        expect_within_one_percent(h.value_at_percentile(p), p / 100.0 * 100000 * 1000, p);
    }
    EXPECT_EQ(h.min(), 1us);
    EXPECT_EQ(h.max(), 100000us);
    EXPECT_EQ(h.value_at_percentile(100), 100000us);
    EXPECT_EQ(h.value_at_percentile(0), 1us);
    EXPECT_NEAR(h.mean_ns(), 50000.5e3, 1.0);
}

TEST(BenchHistogramTest, LogUniformFromMicrosecondsToMinutesWithinOnePercent)
{
    // x_i = 1us * 60e6^(i/n): a percentile's exact value is known in closed form.
    constexpr int n = 200000;
    double const span = std::log(60e6);
    histogram h;
    for (int i = 0; i < n; ++i) {
        h.record(std::chrono::nanoseconds{
            static_cast<std::int64_t>(std::llround(1e3 * std::exp(span * i / n)))});
    }
    for (double const p : {1.0, 5.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
        auto const rank = static_cast<int>(std::ceil(p / 100.0 * n)) - 1;
        double const expected = 1e3 * std::exp(span * rank / n);
        expect_within_one_percent(h.value_at_percentile(p), expected, p);
    }
}

TEST(BenchHistogramTest, KeepsMinutesAndExactExtremes)
{
    histogram h;
    h.record(3us);
    h.record(5min);
    h.record(5min);
    EXPECT_EQ(h.min(), 3us);
    EXPECT_EQ(h.max(), 5min);
    expect_within_one_percent(h.value_at_percentile(50), ns(5min), 50);
    EXPECT_EQ(h.value_at_percentile(10), 3us);
}

TEST(BenchHistogramTest, MeanAndStandardDeviationAreExact)
{
    histogram h;
    for (auto const v : {1ms, 2ms, 3ms, 4ms}) {
        h.record(v);
    }
    EXPECT_DOUBLE_EQ(h.mean_ns(), 2.5e6);
    EXPECT_NEAR(h.stdev_ns(), std::sqrt(1.25) * 1e6, 1.0);
}

TEST(BenchHistogramTest, MergeEqualsRecordingEverythingInOne)
{
    histogram all, odd, even, none;
    for (std::int64_t us = 1; us <= 20000; ++us) {
        all.record(std::chrono::microseconds{us * 7});
        (us % 2 != 0 ? odd : even).record(std::chrono::microseconds{us * 7});
    }
    histogram merged;
    merged.merge(none);
    merged.merge(odd);
    merged.merge(even);
    merged.merge(none);
    EXPECT_EQ(merged.count(), all.count());
    EXPECT_EQ(merged.min(), all.min());
    EXPECT_EQ(merged.max(), all.max());
    EXPECT_DOUBLE_EQ(merged.mean_ns(), all.mean_ns());
    for (double const p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
        EXPECT_EQ(merged.value_at_percentile(p), all.value_at_percentile(p)) << p;
    }
    histogram into_empty;
    into_empty.merge(even);
    EXPECT_EQ(into_empty.min(), even.min());
    EXPECT_EQ(into_empty.count(), even.count());
}

TEST(BenchHistogramTest, NegativeAndHugeValuesAreClamped)
{
    histogram h;
    h.record(std::chrono::nanoseconds{-5});
    h.record(std::chrono::hours{10});
    EXPECT_EQ(h.count(), 2u);
    EXPECT_EQ(h.min(), 0ns);
    EXPECT_EQ(h.max(), std::chrono::hours{10}); // exact, though its bucket is the last one
}

} // namespace
