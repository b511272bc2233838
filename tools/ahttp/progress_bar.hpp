// SPDX-License-Identifier: BSL-1.0
// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace ahttp::cli {

/// Redraws at most ten times a second; silent when the stream is not a TTY, so piped and
/// CI output stays clean. Units are bytes (`bytes = true`) or counts (requests).
class progress_bar {
public:
    progress_bar(std::string label, std::optional<std::uint64_t> total, bool bytes,
                 std::FILE* stream = stderr);
    ~progress_bar();
    progress_bar(progress_bar const&) = delete;
    progress_bar& operator=(progress_bar const&) = delete;

    /// Records that `done` units are complete; redraws when a tenth of a second has passed.
    void update(std::uint64_t done);
    /// Draws the final state and moves to the next line (the destructor does it too).
    void finish();

    bool visible() const noexcept { return visible_; }

private:
    void draw();

    std::string label_;
    std::optional<std::uint64_t> total_;
    bool bytes_;
    std::FILE* stream_;
    bool visible_;
    bool finished_ = false;
    std::uint64_t done_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
};

} // namespace ahttp::cli
