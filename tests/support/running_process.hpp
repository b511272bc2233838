// SPDX-License-Identifier: BSL-1.0
// A child process (an example server, gunicorn + httpbin, nginx) left running while a test
// talks to it over loopback; killed if the test leaves early.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <regex>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace ahttp::test {

/// A child process left running while the test talks to it; killed if the test leaves early.
class running_process {
    using clock_type = std::chrono::steady_clock;

public:
    explicit running_process(std::vector<std::string> const& argv)
    {
        int out_pipe[2], err_pipe[2];
        if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
        std::vector<char*> args;
        for (auto const& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        int const rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        fds_[0] = out_pipe[0];
        fds_[1] = err_pipe[0];
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot spawn " + argv[0]);
        }
    }

    ~running_process()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (int fd : fds_) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
    running_process(running_process const&) = delete;
    running_process& operator=(running_process const&) = delete;

    /// Reads output until stdout matches `pattern` (returns the match) or `limit` passes.
    std::optional<std::smatch> wait_for_stdout(std::regex const& pattern,
                                               std::chrono::milliseconds limit)
    {
        return wait_for(out_, pattern, limit);
    }

    /// Reads output until stderr matches `pattern` (returns the match) or `limit` passes.
    std::optional<std::smatch> wait_for_stderr(std::regex const& pattern,
                                               std::chrono::milliseconds limit)
    {
        return wait_for(err_, pattern, limit);
    }

    /// Waits up to `limit` for the output to show `text` on stderr.
    bool wait_for_stderr(std::string const& text, std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        while (err_.find(text) == std::string::npos) {
            if (!read_some(deadline)) {
                return false;
            }
        }
        return true;
    }

    void signal(int number) { ::kill(pid_, number); }

    /// Waits up to `limit` for the exit, reading the rest of the output; returns the exit
    /// status, or -1 on a timeout or a death by signal (then `signalled()` tells which).
    int wait_exit(std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        while (read_some(deadline)) {
        }
        for (;;) {
            int status = 0;
            pid_t const done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                if (WIFSIGNALED(status)) {
                    signal_ = WTERMSIG(status);
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            if (clock_type::now() >= deadline) {
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
    }

    int signalled() const noexcept { return signal_; }
    std::string const& out() const noexcept { return out_; }
    std::string const& err() const noexcept { return err_; }

private:
    std::optional<std::smatch> wait_for(std::string const& text, std::regex const& pattern,
                                        std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        for (;;) {
            std::smatch match;
            if (std::regex_search(text, match, pattern)) {
                return match;
            }
            if (!read_some(deadline)) {
                return std::nullopt;
            }
        }
    }

    /// Reads what is available on either pipe; false once both are closed or at `deadline`.
    bool read_some(clock_type::time_point deadline)
    {
        if (fds_[0] < 0 && fds_[1] < 0) {
            return false;
        }
        auto const left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
        int const ready = ::poll(p, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) {
            return false;
        }
        for (int i = 0; i < 2; ++i) {
            if (p[i].fd < 0 || (p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            char buffer[8192];
            ssize_t const n = ::read(p[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(fds_[i]);
                fds_[i] = -1;
            } else {
                (i == 0 ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int fds_[2] = {-1, -1};
    std::string out_;
    std::string err_;
    int signal_ = 0;
};

} // namespace ahttp::test
