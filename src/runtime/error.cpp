// SPDX-License-Identifier: BSL-1.0
// The ahttp error category.
#include <ahttp/error.hpp>

#include <boost/system/errc.hpp>

namespace ahttp {
namespace {

class category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "ahttp"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::timed_out:
            return "operation timed out";
        case errc::bad_request:
            return "bad request";
        case errc::payload_too_large:
            return "payload too large";
        case errc::header_too_large:
            return "header too large";
        case errc::too_many_headers:
            return "too many header fields";
        case errc::unsupported_version:
            return "unsupported HTTP version";
        case errc::not_implemented:
            return "not implemented";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::invalid_state:
            return "invalid state";
        case errc::invalid_url:
            return "invalid URL";
        case errc::bad_response:
            return "malformed response";
        case errc::response_status:
            return "error status";
        case errc::too_many_redirects:
            return "too many redirects";
        }
        return "unknown ahttp error";
    }

    bool equivalent(int value,
                    boost::system::error_condition const& condition) const noexcept override
    {
        using generic = boost::system::errc::errc_t;
        switch (static_cast<errc>(value)) {
        case errc::timed_out:
            return condition == make_error_condition(generic::timed_out);
        case errc::invalid_argument:
        case errc::invalid_url:
            return condition == make_error_condition(generic::invalid_argument);
        case errc::bad_response:
            return condition == make_error_condition(generic::bad_message);
        case errc::payload_too_large:
        case errc::header_too_large:
        case errc::too_many_headers:
            return condition == make_error_condition(generic::message_size);
        case errc::not_implemented:
            return condition == make_error_condition(generic::not_supported);
        default:
            return false;
        }
    }
};

} // namespace

boost::system::error_category const& ahttp_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace ahttp
