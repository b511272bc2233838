// SPDX-License-Identifier: BSL-1.0
#include "progress_bar.hpp"
#include "terminal.hpp"
#include "units.hpp"

#include <algorithm>

namespace ahttp::cli {

progress_bar::progress_bar(std::string label, std::optional<std::uint64_t> total, bool bytes,
                           std::FILE* stream)
    : label_{std::move(label)}, total_{total}, bytes_{bytes}, stream_{stream},
      visible_{is_terminal(stream)}, start_{std::chrono::steady_clock::now()}
{
}

progress_bar::~progress_bar()
{
    finish();
}

void progress_bar::update(std::uint64_t done)
{
    done_ = done;
    if (!visible_) {
        return;
    }
    auto const now = std::chrono::steady_clock::now();
    if (now - last_draw_ >= std::chrono::milliseconds{100}) {
        last_draw_ = now;
        draw();
    }
}

void progress_bar::finish()
{
    if (finished_) {
        return;
    }
    finished_ = true;
    if (visible_) {
        draw();
        std::fputc('\n', stream_);
        std::fflush(stream_);
    }
}

void progress_bar::draw()
{
    double const seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double const rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
    auto const amount = [this](std::uint64_t n) {
        return bytes_ ? format_bytes(n) : std::to_string(n);
    };
    std::string line = label_ + " ";
    if (total_ && *total_ > 0) {
        constexpr int width = 30;
        double const fraction = std::min(1.0, static_cast<double>(done_) / *total_);
        int const filled = static_cast<int>(fraction * width);
        line += '[';
        line.append(static_cast<std::size_t>(filled), '#');
        line.append(static_cast<std::size_t>(width - filled), ' ');
        line += "] ";
        line += std::to_string(static_cast<int>(fraction * 100)) + "% ";
        line += amount(done_) + " / " + amount(*total_);
    } else {
        line += amount(done_);
    }
    line += bytes_ ? "  " + format_bytes(static_cast<std::uint64_t>(rate)) + "/s"
                   : "  " + std::to_string(static_cast<std::uint64_t>(rate)) + "/s";
    // \r and "erase to end of line" redraw in place.
    std::fprintf(stream_, "\r%s\x1b[K", line.c_str());
    std::fflush(stream_);
}

} // namespace ahttp::cli
