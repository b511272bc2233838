// SPDX-License-Identifier: BSL-1.0
// The real httpbin (python3-httpbin under gunicorn) on a free 127.0.0.1 port, for as long as
// the object lives: the reference peer of the client, example and `ahttp httpbin` tests.
#pragma once

#include "support/process.hpp"
#include "support/running_process.hpp"

#include <chrono>
#include <cstdint>
#include <regex>
#include <string>

namespace ahttp::test {

class python_httpbin {
public:
    /// Starts gunicorn with `workers` gthread workers of four threads each (gthread keeps
    /// connections alive) and waits up to 30 s for it to listen.
    explicit python_httpbin(int workers = 2)
        : process_{{system_python, "-m", "gunicorn", "-b", "127.0.0.1:0", "-w",
                    std::to_string(workers), "-k", "gthread", "--threads", "4", "httpbin:app"}}
    {
        auto const match = process_.wait_for_stderr(
            std::regex{R"(Listening at: http://127\.0\.0\.1:(\d+))"}, std::chrono::seconds{30});
        if (match) {
            port_ = static_cast<std::uint16_t>(std::stoi((*match)[1].str()));
        }
    }

    /// 0 when gunicorn did not start (err() says why).
    std::uint16_t port() const noexcept { return port_; }
    /// "http://127.0.0.1:PORT" (no trailing slash), or "" when it did not start.
    std::string url() const
    {
        return port_ == 0 ? std::string{} : "http://127.0.0.1:" + std::to_string(port_);
    }
    std::string const& err() const noexcept { return process_.err(); }

private:
    running_process process_;
    std::uint16_t port_ = 0;
};

} // namespace ahttp::test
