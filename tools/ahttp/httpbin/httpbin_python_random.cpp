// SPDX-License-Identifier: BSL-1.0
// CPython's seeding of MT19937 (see httpbin_python_random.hpp).
#include "httpbin/httpbin_python_random.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <vector>

namespace ahttp::cli::httpbin {

namespace {

constexpr std::size_t state_size = 624;

/// The absolute value of a decimal integer as little-endian 32-bit words (CPython's key for
/// init_by_array); at least one word.
std::optional<std::vector<std::uint32_t>> seed_words(std::string_view decimal)
{
    if (!decimal.empty() && (decimal.front() == '-' || decimal.front() == '+')) {
        decimal.remove_prefix(1);
    }
    if (decimal.empty()) {
        return std::nullopt;
    }
    std::vector<std::uint32_t> words{0};
    for (char c : decimal) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        std::uint64_t carry = static_cast<std::uint64_t>(c - '0');
        for (auto& word : words) { // words = words * 10 + digit
            std::uint64_t const product = std::uint64_t{word} * 10 + carry;
            word = static_cast<std::uint32_t>(product);
            carry = product >> 32;
        }
        if (carry != 0) {
            words.push_back(static_cast<std::uint32_t>(carry));
        }
    }
    while (words.size() > 1 && words.back() == 0) {
        words.pop_back();
    }
    return words;
}

/// The generator state after MT19937's reference init_by_array(key), which CPython uses.
std::array<std::uint32_t, state_size> state_from_key(std::vector<std::uint32_t> const& key)
{
    std::array<std::uint32_t, state_size> mt{};
    mt[0] = 19650218u;
    for (std::uint32_t i = 1; i < state_size; ++i) {
        mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
    }
    std::size_t i = 1;
    std::size_t j = 0;
    for (std::size_t k = std::max(state_size, key.size()); k > 0; --k) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] +
                static_cast<std::uint32_t>(j);
        if (++i >= state_size) {
            mt[0] = mt[state_size - 1];
            i = 1;
        }
        if (++j >= key.size()) {
            j = 0;
        }
    }
    for (std::size_t k = state_size - 1; k > 0; --k) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) -
                static_cast<std::uint32_t>(i);
        if (++i >= state_size) {
            mt[0] = mt[state_size - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000u; // a non-zero initial state is assured
    return mt;
}

} // namespace

python_random::python_random() : engine_(std::random_device{}()) {}

std::optional<python_random> python_random::from_seed(std::string_view decimal)
{
    std::optional<std::vector<std::uint32_t>> const key = seed_words(decimal);
    if (!key) {
        return std::nullopt;
    }
    // std::mt19937 takes a whole state only through its text form; it then regenerates
    // before its first output, exactly as CPython's generator does after seeding.
    std::stringstream state;
    for (std::uint32_t word : state_from_key(*key)) {
        state << word << ' ';
    }
    std::mt19937 engine;
    state >> engine;
    return python_random{engine};
}

unsigned char python_random::next_byte()
{
    // randint(0, 255) draws getrandbits(9) (the top 9 bits of one output) until below 256.
    for (;;) {
        std::uint32_t const bits = static_cast<std::uint32_t>(engine_()) >> 23;
        if (bits < 256) {
            return static_cast<unsigned char>(bits);
        }
    }
}

} // namespace ahttp::cli::httpbin
