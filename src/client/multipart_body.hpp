// SPDX-License-Identifier: BSL-1.0
// The wire form of a client::form_data: part heads planned up front (so Content-Length is
// known), file contents streamed from disk while sending.
#pragma once

#include "client/connection.hpp"

#include <ahttp/client/form_data.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ahttp::client::detail {

class multipart_body {
public:
    /// Plans the body of `form` with a fresh random boundary.
    /// @throws ahttp::error (invalid_argument) if a file cannot be read.
    explicit multipart_body(form_data form);

    std::string content_type() const { return "multipart/form-data; boundary=" + boundary_; }
    std::uint64_t content_length() const noexcept { return content_length_; }

    /// Writes the whole body on `conn`. Fails with errc::invalid_state if a file changed
    /// size since planning (the Content-Length sent would be wrong).
    awaitable<error_code> write(connection& conn) const;

private:
    struct piece {
        std::string head;       ///< delimiter and part header fields
        std::uint64_t size = 0; ///< content bytes (the file's size for a file part)
    };
    form_data form_;
    std::string boundary_;
    std::vector<piece> pieces_;
    std::string tail_;
    std::uint64_t content_length_ = 0;
};

} // namespace ahttp::client::detail
