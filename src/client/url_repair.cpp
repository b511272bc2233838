// SPDX-License-Identifier: BSL-1.0
#include "client/url_repair.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>

namespace ahttp::client::detail {

bool repair_cut_host(boost::urls::url& url)
{
    std::string_view const path = url.encoded_path();
    if (!url.has_authority() || url.host_type() != boost::urls::host_type::ipv4 || path.empty() ||
        path.front() == '/') {
        return true; // parsed as written
    }
    // Boost stopped right after the IPv4 part: the path up to its first '/' is the rest of
    // the host, then ":port" if any (a host name holds no ':').
    auto const slash = path.find('/');
    std::string_view cut = path.substr(0, slash);
    std::string const rest{slash == std::string_view::npos ? std::string_view{}
                                                           : path.substr(slash)};
    std::string_view port;
    bool has_port = false;
    if (auto const colon = cut.find(':'); colon != std::string_view::npos) {
        port = cut.substr(colon + 1);
        cut = cut.substr(0, colon);
        has_port = true;
        if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return false;
        }
    }
    std::string host{url.encoded_host()};
    host.append(cut);
    // Parsed again with a stand-in host, then the real host set: parsing the real text would
    // cut it the same way, and Boost 1.81's path setter turns "/" into "/./".
    std::string text{url.scheme()};
    text.append("://");
    if (url.has_userinfo()) {
        text.append(url.encoded_userinfo()).push_back('@');
    }
    text.append("host.invalid");
    if (has_port) {
        text.push_back(':');
        text.append(port);
    }
    text.append(rest);
    if (url.has_query()) {
        text.push_back('?');
        text.append(url.encoded_query());
    }
    if (url.has_fragment()) {
        text.push_back('#');
        text.append(url.encoded_fragment());
    }
    auto const reparsed = boost::urls::parse_uri(text);
    if (!reparsed) {
        return false;
    }
    boost::urls::url fixed{*reparsed};
    try {
        fixed.set_encoded_host(host);
    } catch (std::exception const&) { // not a valid host after all
        return false;
    }
    if (fixed.host_type() != boost::urls::host_type::name) {
        return false;
    }
    url = std::move(fixed);
    return true;
}

} // namespace ahttp::client::detail
