// SPDX-License-Identifier: BSL-1.0
// client::session over TLS against a real nginx, with a CA and certificates made here by the
// openssl command: verification success, and each failure (unknown CA, expired certificate,
// another host's certificate) as a client::tls_error that says why.
#include "support/client_session.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/running_process.hpp"
#include "support/scripted_server.hpp"
#include "support/tls_files.hpp"

#include <ahttp/client.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace fs = std::filesystem;
using ahttp::awaitable;
using ahttp::test::accepts_connections;
using ahttp::test::make_session;
using ahttp::test::make_test_ca_and_server_certificate;
using ahttp::test::openssl;
using ahttp::test::relay_to;
using ahttp::test::run_process;
using ahttp::test::running_process;

/// A CA, certificates for 127.0.0.1/localhost (valid, expired), one for another host, one
/// self-signed; and nginx serving each on its own port.
class TlsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        std::string pattern = (fs::temp_directory_path() / "ahttp-tls-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        auto const ec_key = std::vector<std::string>{"-newkey", "ec", "-pkeyopt",
                                                     "ec_paramgen_curve:prime256v1", "-nodes"};
        auto req = [&](std::string key, std::string out, std::string subject, bool x509) {
            std::vector<std::string> a{"req"};
            if (x509) {
                a.push_back("-x509");
                a.insert(a.end(), {"-days", "2"});
            }
            a.insert(a.end(), ec_key.begin(), ec_key.end());
            a.insert(a.end(), {"-keyout", "@" + key, "-out", "@" + out, "-subj", subject});
            openssl(a, dir_);
        };
        make_test_ca_and_server_certificate(dir_);
        req("self.key", "self.pem", "/CN=localhost", true);
        req("other.key", "other.csr", "/CN=other.invalid", false);
        std::ofstream{dir_ / "other.ext"} << "subjectAltName=DNS:other.invalid\n";
        auto sign = [&](std::string csr, std::string out, std::string days, std::string ext) {
            openssl({"x509", "-req", "-in", "@" + csr, "-CA", "@ca.pem", "-CAkey", "@ca.key",
                     "-CAcreateserial", "-out", "@" + out, "-days", days, "-extfile", "@" + ext},
                    dir_);
        };
        sign("server.csr", "expired.pem", "-1", "local.ext"); // notAfter in the past
        sign("other.csr", "other.pem", "2", "other.ext");

        auto const ports = ahttp::test::free_ports(4);
        good_ = ports[0];
        expired_ = ports[1];
        other_ = ports[2];
        self_ = ports[3];
        std::string const d = dir_.string();
        auto server = [&](std::uint16_t port, std::string cert, std::string key) {
            return "  server { listen 127.0.0.1:" + std::to_string(port) +
                   " ssl; ssl_certificate " + d + "/" + cert + "; ssl_certificate_key " + d + "/" +
                   key + "; location / { return 200 \"connection $connection\"; } }\n";
        };
        std::ofstream{dir_ / "nginx.conf"}
            << "daemon off; master_process off; worker_processes 1; pid " << d
            << "/nginx.pid; error_log " << d << "/error.log;\nevents { worker_connections 64; }\n"
            << "http {\n  access_log off; client_body_temp_path " << d << "; proxy_temp_path " << d
            << "; fastcgi_temp_path " << d << "; uwsgi_temp_path " << d << "; scgi_temp_path " << d
            << ";\n"
            << server(good_, "server.pem", "server.key")
            << server(expired_, "expired.pem", "server.key")
            << server(other_, "other.pem", "other.key") << server(self_, "self.pem", "self.key")
            << "}\n";
        nginx_ = std::make_unique<running_process>(std::vector<std::string>{
            "/usr/sbin/nginx", "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"});
        auto const deadline = std::chrono::steady_clock::now() + 10s;
        while (!accepts_connections(good_) || !accepts_connections(self_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                FAIL() << "nginx did not start";
            }
            std::this_thread::sleep_for(20ms);
        }
    }

    static void TearDownTestSuite()
    {
        nginx_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    static std::string url(std::uint16_t port, std::string host = "127.0.0.1")
    {
        return "https://" + host + ":" + std::to_string(port) + "/";
    }

    static inline fs::path dir_;
    static inline std::unique_ptr<running_process> nginx_;
    static inline std::uint16_t good_ = 0, expired_ = 0, other_ = 0, self_ = 0;
};

/// GETs `target` with `tls` and returns the body; throws what the session throws.
std::string fetch(std::string target, client::tls_options tls)
{
    return ahttp::run([](std::string u, client::tls_options t) -> awaitable<std::string> {
        client::session_options options{.connector = {.tls = std::move(t)}};
        client::session session = co_await make_session(std::move(options));
        client::response r = co_await session.get(u);
        co_return co_await r.text();
    }(std::move(target), std::move(tls)));
}

/// The message of the tls_error that fetching `target` raises ("" if none).
std::string tls_failure(std::string target, client::tls_options tls)
{
    try {
        fetch(std::move(target), std::move(tls));
    } catch (client::tls_error const& e) {
        return e.what();
    }
    return "";
}

TEST_F(TlsTest, VerifiesAgainstTheGivenCaByIpAndByName)
{
    client::tls_options const tls{.ca_file = (dir_ / "ca.pem").string()};
    EXPECT_TRUE(fetch(url(good_), tls).starts_with("connection "));
    EXPECT_TRUE(fetch(url(good_, "localhost"), tls).starts_with("connection "));
}

TEST_F(TlsTest, ReusesTheTlsConnection)
{
    std::string const ca = (dir_ / "ca.pem").string();
    auto const bodies =
        ahttp::run([](std::string u, std::string ca_file) -> awaitable<std::vector<std::string>> {
            client::session_options options{.connector = {.tls = {.ca_file = std::move(ca_file)}}};
            client::session session = co_await make_session(std::move(options));
            std::vector<std::string> out;
            for (int i = 0; i < 10; ++i) {
                client::response r = co_await session.get(u);
                out.push_back(co_await r.text());
            }
            co_return out;
        }(url(good_), ca));
    ASSERT_EQ(bodies.size(), 10u);
    for (auto const& body : bodies) {
        EXPECT_EQ(body, bodies.front()); // nginx's $connection: the same connection each time
    }
}

TEST_F(TlsTest, RefusesAnUnknownCa)
{
    // The system store does not know our test CA.
    std::string const why = tls_failure(url(good_), {});
    EXPECT_NE(why.find("unable to get local issuer certificate"), std::string::npos) << why;
    std::string const self = tls_failure(url(self_, "localhost"), {});
    EXPECT_NE(self.find("self-signed certificate"), std::string::npos) << self;
}

TEST_F(TlsTest, RefusesAnExpiredCertificate)
{
    client::tls_options const tls{.ca_file = (dir_ / "ca.pem").string()};
    std::string const why = tls_failure(url(expired_), tls);
    EXPECT_NE(why.find("certificate has expired"), std::string::npos) << why;
}

TEST_F(TlsTest, RefusesAnotherHostsCertificate)
{
    client::tls_options const tls{.ca_file = (dir_ / "ca.pem").string()};
    std::string const by_ip = tls_failure(url(other_), tls);
    EXPECT_NE(by_ip.find("IP address mismatch"), std::string::npos) << by_ip;
    std::string const by_name = tls_failure(url(other_, "localhost"), tls);
    EXPECT_NE(by_name.find("hostname mismatch"), std::string::npos) << by_name;
}

TEST_F(TlsTest, VerifyOffAcceptsAnyCertificate)
{
    EXPECT_TRUE(fetch(url(self_), {.verify = false}).starts_with("connection "));
    EXPECT_TRUE(fetch(url(expired_), {.verify = false}).starts_with("connection "));
}

TEST_F(TlsTest, AServerThatDoesNotSpeakTlsIsATlsError)
{
    ahttp::test::scripted_server plain{[](ahttp::test::scripted_connection& c, int) {
        c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    }};
    std::string const target = "https://127.0.0.1:" + std::to_string(plain.port()) + "/";
    EXPECT_NE(tls_failure(target, {}), "");
}

TEST_F(TlsTest, TunnelsThroughAConnectProxy)
{
    std::string seen;
    ahttp::test::scripted_server proxy{
        [&](ahttp::test::scripted_connection& c, int) { relay_to(c, good_, seen); }};
    std::string const body =
        ahttp::run([](std::string u, std::string via, std::string ca) -> awaitable<std::string> {
            client::session_options options{.proxy = std::move(via),
                                            .connector = {.tls = {.ca_file = std::move(ca)}}};
            client::session session = co_await make_session(std::move(options));
            client::response r = co_await session.get(u);
            co_return co_await r.text();
        }(url(good_, "localhost"), "http://127.0.0.1:" + std::to_string(proxy.port()),
                                                                      (dir_ / "ca.pem").string()));
    EXPECT_TRUE(body.starts_with("connection ")) << body;
    EXPECT_EQ(seen, "CONNECT localhost:" + std::to_string(good_) + " HTTP/1.1");
}

TEST_F(TlsTest, AMissingCaFileIsATlsError)
{
    std::string const why = tls_failure(url(good_), {.ca_file = "/nonexistent/ca.pem"});
    EXPECT_NE(why.find("cannot load CA file"), std::string::npos) << why;
}

} // namespace
