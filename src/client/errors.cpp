// SPDX-License-Identifier: BSL-1.0
#include <ahttp/client/errors.hpp>

namespace ahttp::client {

std::string_view to_string(timeout_phase phase) noexcept
{
    switch (phase) {
    case timeout_phase::total:
        return "total";
    case timeout_phase::connect:
        return "connect";
    case timeout_phase::sock_connect:
        return "sock_connect";
    case timeout_phase::sock_read:
        return "sock_read";
    }
    return "unknown";
}

} // namespace ahttp::client
