// SPDX-License-Identifier: BSL-1.0
#include <ahttp/client/form_data.hpp>
#include <ahttp/http/mime_types.hpp>

namespace ahttp::client {

void form_data::add_field(std::string name, std::string value)
{
    parts_.push_back(part{std::move(name), std::move(value)});
}

void form_data::add_bytes(std::string name, std::string bytes, std::string filename,
                          std::string content_type)
{
    parts_.push_back(
        part{std::move(name), std::move(bytes), {}, std::move(filename), std::move(content_type)});
}

void form_data::add_file(std::string name, std::filesystem::path path, std::string filename,
                         std::string content_type)
{
    if (filename.empty()) {
        filename = path.filename().string();
    }
    if (content_type.empty()) {
        content_type = std::string{http::guess_content_type(path.filename().string())};
    }
    parts_.push_back(
        part{std::move(name), {}, std::move(path), std::move(filename), std::move(content_type)});
}

} // namespace ahttp::client
