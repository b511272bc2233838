// SPDX-License-Identifier: BSL-1.0
// An HDR-style latency histogram: log-linear buckets, under 0.4% error, 1 ns to hours, mergeable.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace ahttp::cli::bench {

/// Counts latencies in buckets whose width is 1/128 of their magnitude (HdrHistogram's layout
/// with two significant decimal digits, roughly): a reported percentile is within 0.4% of the
/// true value. Values are nanoseconds from 0 to about 2.4 hours; longer ones count as the
/// largest. Min, max, mean and standard deviation are exact. Not thread-safe: give each thread
/// its own and merge() them afterwards.
class histogram {
public:
    histogram();

    /// Counts one value (negative values count as 0).
    void record(std::chrono::nanoseconds value) noexcept;
    /// Counts `count` occurrences of `nanoseconds`.
    void record(std::uint64_t nanoseconds, std::uint64_t count) noexcept;
    /// Adds every value counted by `other`.
    void merge(histogram const& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    /// The smallest and largest values counted (exact); 0 when empty.
    std::chrono::nanoseconds min() const noexcept;
    std::chrono::nanoseconds max() const noexcept;
    /// The exact arithmetic mean and (population) standard deviation; 0 when empty.
    double mean_ns() const noexcept;
    double stdev_ns() const noexcept;
    /// The value below or at which `percentile` % of the values lie (0..100): the middle of
    /// the bucket holding it, clamped to [min, max]. 0 gives min, 100 gives max; 0 when empty.
    std::chrono::nanoseconds value_at_percentile(double percentile) const noexcept;

    /// The largest value a bucket can tell apart (larger ones are counted as this).
    static constexpr std::uint64_t highest_trackable = (std::uint64_t{1} << 43) - 1;

private:
    static std::size_t index_of(std::uint64_t value) noexcept;
    static std::uint64_t lowest_of(std::size_t index) noexcept;
    static std::uint64_t width_of(std::size_t index) noexcept;

    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
    double sum_ = 0;    // of the values, in ns
    double sum_sq_ = 0; // of the squares, for the standard deviation
};

} // namespace ahttp::cli::bench
