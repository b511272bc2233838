// SPDX-License-Identifier: BSL-1.0
// Placeholder: the subcommand is being written.
#include "cli.hpp"

namespace ahttp::cli {

void add_request_commands(CLI::App&, action&) {}

} // namespace ahttp::cli
