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
    case timeout_phase::pool_wait:
        return "pool_wait";
    case timeout_phase::dns:
        return "dns";
    case timeout_phase::tls_handshake:
        return "tls_handshake";
    case timeout_phase::first_byte:
        return "first_byte";
    }
    return "unknown";
}

} // namespace ahttp::client
