// SPDX-License-Identifier: BSL-1.0
#include "web/response_compression.hpp"

#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

namespace ahttp::web::detail {

void compress_response(request const& /*req*/, response& /*r*/)
{
    // Not implemented yet: the body is sent as is.
}

} // namespace ahttp::web::detail
