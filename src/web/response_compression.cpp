// SPDX-License-Identifier: BSL-1.0
// Response compression: choosing the coding, compressing a complete body, marking headers.
#include "compression/accept_encoding.hpp"
#include "compression/encoder.hpp"
#include "web/response_compression.hpp"

#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <string>

namespace ahttp::web::detail {

namespace {

using compression::coding;

coding to_coding(content_coding c) noexcept
{
    switch (c) {
    case content_coding::deflate:
        return coding::deflate;
    case content_coding::gzip:
        return coding::gzip;
    case content_coding::br:
        return coding::br;
    case content_coding::identity:
        break;
    }
    return coding::identity;
}

bool lists_token(std::string_view list, std::string_view token) noexcept
{
    while (!list.empty()) {
        auto const comma = list.find(',');
        std::string_view element = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) {
            element.remove_prefix(1);
        }
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) {
            element.remove_suffix(1);
        }
        if (http::iequals(element, token)) {
            return true;
        }
    }
    return false;
}

} // namespace

compression_plan plan_compression(request const& req, response const& r)
{
    compression_plan plan;
    if (!r.compression_enabled()) {
        return plan;
    }
    unsigned const code = http::to_int(r.status());
    // RFC 9110 §6.4.1: 1xx, 204 and 304 carry no content. A 206 carries ranges of the
    // identity body (§14.1.1): coding it would change what the ranges address.
    if (code < 200 || code == 204 || code == 304 || code == 206 ||
        r.headers().contains(http::field::content_range)) {
        return plan;
    }
    // The handler coded the body itself (or chose identity explicitly): leave it.
    if (r.headers().contains(http::field::content_encoding)) {
        return plan;
    }
    if (r.forced_coding() != content_coding::identity) {
        plan.coding = to_coding(r.forced_coding());
        plan.required = true;
        return plan;
    }
    compression::accept_encoding accepted;
    for (std::string_view const value : req.headers().values(http::field::accept_encoding)) {
        accepted.add(value);
    }
    plan.vary = true;
    plan.coding = compression::negotiate(accepted);
    plan.required = plan.coding != coding::identity && accepted.is_present() &&
                    accepted.quality(coding::identity) == 0;
    return plan;
}

void mark_encoded(response& r, coding c)
{
    r.headers().set(http::field::content_encoding, compression::coding_name(c));
    // RFC 9110 §8.8.3: a strong validator names exact bytes, and the coded bytes differ from
    // the identity ones; a weak one still matches for caching (as nginx does).
    if (auto const etag = r.headers().find(http::field::etag);
        etag && !etag->empty() && etag->substr(0, 2) != "W/") {
        r.headers().set(http::field::etag, "W/" + std::string{*etag});
    }
}

void add_vary_accept_encoding(response& r)
{
    auto const existing = r.headers().values(http::field::vary);
    for (std::string_view const value : existing) {
        if (lists_token(value, "*") || lists_token(value, "Accept-Encoding")) {
            return;
        }
    }
    if (existing.empty()) {
        r.headers().add(http::field::vary, "Accept-Encoding");
        return;
    }
    // Merge into one field so that the list reads as a whole (RFC 9110 §12.5.5).
    std::string merged;
    for (std::string_view const value : existing) {
        merged.append(value).append(", ");
    }
    merged.append("Accept-Encoding");
    r.headers().set(http::field::vary, merged);
}

void compress_response(request const& req, response& r)
{
    // A file body (file_response) is sent by sendfile, untouched; only bytes in memory here.
    if (r.body().empty() || r.file_body() != nullptr) {
        return;
    }
    compression_plan const plan = plan_compression(req, r);
    if (plan.vary) {
        add_vary_accept_encoding(r);
    }
    if (plan.coding == coding::identity) {
        return;
    }
    std::string const& body = r.body();
    if (!plan.required && body.size() < min_compress_size) {
        return;
    }
    // HEAD is compressed too, so that its Content-Length is the one GET sends (§9.3.2); the
    // connection drops the bytes. Compression is deterministic, so the two agree.
    std::string coded = compression::compress(plan.coding, body);
    if (!plan.required && coded.size() >= body.size()) {
        return; // incompressible (already compressed media, random bytes): send it as is
    }
    r.set_body(std::move(coded));
    mark_encoded(r, plan.coding);
}

} // namespace ahttp::web::detail
