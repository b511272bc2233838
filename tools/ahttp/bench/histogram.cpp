// SPDX-License-Identifier: BSL-1.0
#include "bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ahttp::cli::bench {

namespace {

// Values below 256 have a bucket each; above, every power-of-two range [2^m, 2^(m+1)) is cut
// into 128 equal buckets, so a bucket is at most 1/128 of its values wide.
constexpr unsigned sub_bits = 7;
constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits; // 128
constexpr std::uint64_t linear_limit = 2 * sub_count;             // 256
constexpr unsigned top_bit = 42;                                  // highest_trackable < 2^43
constexpr std::size_t bucket_count = linear_limit + (top_bit - sub_bits) * sub_count;

} // namespace

histogram::histogram() : counts_(bucket_count, 0) {}

std::size_t histogram::index_of(std::uint64_t value) noexcept
{
    value = std::min(value, highest_trackable);
    if (value < linear_limit) {
        return static_cast<std::size_t>(value);
    }
    unsigned const magnitude = static_cast<unsigned>(std::bit_width(value)) - 1; // >= 8
    unsigned const shift = magnitude - sub_bits;                                 // >= 1
    std::uint64_t const sub = (value >> shift) - sub_count;                      // 0..127
    return static_cast<std::size_t>(linear_limit + (shift - 1) * sub_count + sub);
}

std::uint64_t histogram::lowest_of(std::size_t index) noexcept
{
    if (index < linear_limit) {
        return index;
    }
    std::size_t const above = index - linear_limit;
    unsigned const shift = static_cast<unsigned>(above / sub_count) + 1;
    std::uint64_t const sub = above % sub_count;
    return (sub_count + sub) << shift;
}

std::uint64_t histogram::width_of(std::size_t index) noexcept
{
    if (index < linear_limit) {
        return 1;
    }
    return std::uint64_t{1} << ((index - linear_limit) / sub_count + 1);
}

void histogram::record(std::chrono::nanoseconds value) noexcept
{
    record(value.count() < 0 ? 0 : static_cast<std::uint64_t>(value.count()), 1);
}

void histogram::record(std::uint64_t nanoseconds, std::uint64_t count) noexcept
{
    if (count == 0) {
        return;
    }
    counts_[index_of(nanoseconds)] += count;
    if (count_ == 0 || nanoseconds < min_) {
        min_ = nanoseconds;
    }
    max_ = std::max(max_, nanoseconds);
    count_ += count;
    double const v = static_cast<double>(nanoseconds);
    sum_ += v * static_cast<double>(count);
    sum_sq_ += v * v * static_cast<double>(count);
}

void histogram::merge(histogram const& other) noexcept
{
    if (other.count_ == 0) {
        return;
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        counts_[i] += other.counts_[i];
    }
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
    sum_sq_ += other.sum_sq_;
}

std::chrono::nanoseconds histogram::min() const noexcept
{
    return std::chrono::nanoseconds{static_cast<std::int64_t>(min_)};
}

std::chrono::nanoseconds histogram::max() const noexcept
{
    return std::chrono::nanoseconds{static_cast<std::int64_t>(max_)};
}

double histogram::mean_ns() const noexcept
{
    return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_);
}

double histogram::stdev_ns() const noexcept
{
    if (count_ == 0) {
        return 0.0;
    }
    double const mean = mean_ns();
    double const variance = sum_sq_ / static_cast<double>(count_) - mean * mean;
    return variance > 0 ? std::sqrt(variance) : 0.0;
}

std::chrono::nanoseconds histogram::value_at_percentile(double percentile) const noexcept
{
    if (count_ == 0) {
        return std::chrono::nanoseconds{0};
    }
    if (!(percentile < 100.0)) {
        return max();
    }
    if (!(percentile > 0.0)) {
        return min();
    }
    auto const rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            std::uint64_t const middle = lowest_of(i) + width_of(i) / 2;
            return std::chrono::nanoseconds{
                static_cast<std::int64_t>(std::clamp(middle, min_, max_))};
        }
    }
    return max();
}

} // namespace ahttp::cli::bench
