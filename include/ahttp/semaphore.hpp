// SPDX-License-Identifier: BSL-1.0
// ahttp::semaphore: bound how many coroutines use a resource at once (asyncio.Semaphore).
#pragma once

#include <ahttp/awaitable.hpp>

#include <cstddef>

namespace ahttp {

/// Limits how many coroutines hold a resource at once (asyncio.Semaphore).
///
/// acquire() takes a permit, waiting while none is available; release() returns one. Waiters
/// are served first come, first served: a released permit goes straight to the longest waiter,
/// and try_acquire() never overtakes a waiter. release() may raise the count above its initial
/// value (asyncio's Semaphore, not its BoundedSemaphore). Prefer hold(), whose permit releases
/// itself on every path out of the scope.
/// @par Thread safety
///   None: use a semaphore only from coroutines running on one single-threaded io_context (or
///   one strand). Waiters may run on any executor of that io_context.
/// @par Lifetime
///   The semaphore must outlive its permits. Destroying it while coroutines wait in acquire()
///   resumes them with `operation_aborted`.
/// @par Example
///   ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 8};
///   ...
///   ahttp::semaphore::permit permit = co_await limit.hold();
///   co_await session.get(url);   // at most 8 at a time
class semaphore {
public:
    class permit;

    /// Constructs a semaphore with `initial` permits available.
    /// @param ex the executor reported by get_executor(); waiters resume on their own.
    /// @param initial the number of permits available at first.
    semaphore(executor ex, std::size_t initial);

    /// Destroys the semaphore, resuming every waiting acquire() with `operation_aborted`.
    ~semaphore();

    semaphore(semaphore const&) = delete;
    semaphore& operator=(semaphore const&) = delete;

    /// Takes a permit, suspending until one is available; the caller must release() it.
    ///
    /// Returns without suspending when a permit is available. A waiter cancelled before it
    /// was given a permit leaves the queue and takes nothing; one cancelled after it was given a
    /// permit resumes normally and owns that permit, so no permit is ever lost.
    /// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when
    ///         cancelled while waiting, or when the semaphore is destroyed.
    awaitable<void> acquire();

    /// Takes a permit like acquire() and returns it as a permit object that releases it.
    /// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when
    ///         cancelled while waiting, or when the semaphore is destroyed.
    awaitable<permit> hold();

    /// Takes a permit if one is available now, without waiting.
    /// @return true if the caller now holds a permit.
    bool try_acquire() noexcept;

    /// Returns a permit: hands it to the longest waiter, whose coroutine resumes later through
    /// its executor, or adds it to the available count.
    /// @throws std::bad_alloc if waking the waiter cannot allocate.
    void release();

    /// Returns the number of permits available now.
    std::size_t available() const noexcept { return available_; }

    /// Returns the number of coroutines waiting in acquire().
    std::size_t waiting() const noexcept { return waiting_; }

    /// Returns the executor given at construction.
    executor const& get_executor() const noexcept { return executor_; }

private:
    struct waiter;
    template <class Handler>
    class waiter_op;
    struct cancel_handler;
    struct initiation;

    void enqueue(waiter* node) noexcept;
    void unlink(waiter* node) noexcept;
    waiter* pop() noexcept;

    executor executor_;
    std::size_t available_;
    std::size_t waiting_ = 0;
    waiter* head_ = nullptr; // FIFO of waiters, owned while linked
    waiter* tail_ = nullptr;
};

/// Holds one permit of a semaphore and returns it when destroyed (a scoped lock).
///
/// A default-constructed or moved-from permit holds nothing. Releasing wakes the longest
/// waiter, which allocates; if that allocation fails in the destructor, std::terminate is
/// called.
class semaphore::permit {
public:
    /// Constructs an empty permit.
    permit() noexcept = default;

    /// Takes over `other`'s permit, leaving `other` empty.
    permit(permit&& other) noexcept : owner_{other.owner_} { other.owner_ = nullptr; }

    /// Releases the permit held, then takes over `other`'s.
    permit& operator=(permit&& other) noexcept
    {
        if (this != &other) {
            release();
            owner_ = other.owner_;
            other.owner_ = nullptr;
        }
        return *this;
    }

    permit(permit const&) = delete;
    permit& operator=(permit const&) = delete;

    /// Releases the permit held, if any.
    ~permit() { release(); }

    /// Releases the permit now instead of at destruction; does nothing on an empty permit.
    void release() noexcept
    {
        if (semaphore* owner = owner_) {
            owner_ = nullptr;
            owner->release();
        }
    }

    /// Returns true while the permit holds a permit of its semaphore.
    bool owns_permit() const noexcept { return owner_ != nullptr; }

    /// Returns true while the permit holds a permit of its semaphore.
    explicit operator bool() const noexcept { return owner_ != nullptr; }

private:
    friend class semaphore;
    explicit permit(semaphore& owner) noexcept : owner_{&owner} {}

    semaphore* owner_ = nullptr;
};

} // namespace ahttp
