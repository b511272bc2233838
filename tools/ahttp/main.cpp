// SPDX-License-Identifier: BSL-1.0
// `ahttp`: make requests, serve files, run an httpbin, load-test a server, replay the seeds.
#include "cli.hpp"

int main(int argc, char** argv)
{
    return ahttp::cli::run(argc, argv);
}
