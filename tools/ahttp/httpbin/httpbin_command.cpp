// SPDX-License-Identifier: BSL-1.0
// Placeholder: the subcommand is being written.
#include "cli.hpp"

namespace ahttp::cli {

void add_httpbin_command(CLI::App&, action&) {}

} // namespace ahttp::cli
