// SPDX-License-Identifier: BSL-1.0
// ahttp::semaphore: a FIFO of type-erased waiters, each completed through its own executor.
#include "hot_path.hpp"

#include <ahttp/semaphore.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <utility>

namespace ahttp {

struct semaphore::waiter {
    virtual ~waiter() = default;

    // Clears the cancellation slot, deletes this and posts the handler with `ec`.
    virtual void complete(boost::system::error_code ec) = 0;

    semaphore* owner = nullptr;
    waiter* prev = nullptr;
    waiter* next = nullptr;
    // Like any pending Asio operation, a waiter keeps its io_context's run() going.
    boost::asio::any_io_executor work;
    boost::asio::cancellation_slot slot;
    bool cancelled = false;
};

template <class Handler>
class semaphore::waiter_op final : public waiter {
public:
    explicit waiter_op(Handler handler) : handler_(std::move(handler)) {}

    Handler& handler() noexcept { return handler_; }

    void complete(boost::system::error_code ec) override
    {
        if (slot.is_connected()) {
            slot.clear();
        }
        Handler handler = std::move(handler_);
        boost::asio::any_io_executor target = std::move(work);
        delete this;
        // Posted, never invoked inline: release() often runs inside another coroutine or a
        // permit's destructor, which must not resume the waiter in the middle of its work.
        boost::asio::post(target, boost::asio::append(std::move(handler), ec));
    }

private:
    Handler handler_;
};

// Lives in the waiter's cancellation slot, which complete() clears before the waiter dies.
struct semaphore::cancel_handler {
    waiter* node;

    void operator()(boost::asio::cancellation_type_t) const
    {
        // Any cancellation type is honoured: leaving the queue has no side effect.
        if (node->cancelled) {
            return; // already leaving; the completion below has not run yet
        }
        node->cancelled = true;
        node->owner->unlink(node);
        // complete() clears the slot, so it cannot run inside the slot's own handler.
        boost::asio::post(node->work, [owned = std::unique_ptr<waiter>(node)]() mutable {
            owned.release()->complete(boost::asio::error::operation_aborted);
        });
    }
};

struct semaphore::initiation {
    semaphore* self;

    template <class Handler>
    void operator()(Handler&& handler) const
    {
        using handler_type = std::decay_t<Handler>;
        auto node = std::make_unique<waiter_op<handler_type>>(std::forward<Handler>(handler));
        node->owner = self;
        node->work = boost::asio::prefer(
            boost::asio::get_associated_executor(node->handler(), self->executor_),
            boost::asio::execution::outstanding_work.tracked);
        node->slot = boost::asio::get_associated_cancellation_slot(node->handler());
        if (node->slot.is_connected()) {
            node->slot.template emplace<cancel_handler>(cancel_handler{node.get()});
        }
        self->enqueue(node.release());
    }
};

semaphore::semaphore(executor ex, std::size_t initial)
    : executor_(std::move(ex)), available_(initial)
{
}

semaphore::~semaphore()
{
    while (waiter* node = pop()) {
        node->complete(boost::asio::error::operation_aborted);
    }
}

AHTTP_HOT_PATH bool semaphore::try_acquire() noexcept
{
    // available_ > 0 implies an empty queue: release() hands permits to waiters first.
    if (available_ == 0) {
        return false;
    }
    --available_;
    return true;
}

AHTTP_HOT_PATH void semaphore::release()
{
    if (waiter* node = pop()) {
        node->complete({}); // the permit passes straight to the waiter
    } else {
        ++available_;
    }
}

awaitable<void> semaphore::acquire()
{
    if (try_acquire()) {
        co_return;
    }
    // Named, not braced inside the co_await: see task_group::wait() for the g++ 12 bug.
    initiation start{this};
    co_await boost::asio::async_initiate<boost::asio::use_awaitable_t<> const&,
                                         void(boost::system::error_code)>(
        start, boost::asio::use_awaitable);
}

awaitable<semaphore::permit> semaphore::hold()
{
    co_await acquire();
    co_return permit{*this};
}

void semaphore::enqueue(waiter* node) noexcept
{
    node->prev = tail_;
    node->next = nullptr;
    if (tail_ != nullptr) {
        tail_->next = node;
    } else {
        head_ = node;
    }
    tail_ = node;
    ++waiting_;
}

void semaphore::unlink(waiter* node) noexcept
{
    (node->prev != nullptr ? node->prev->next : head_) = node->next;
    (node->next != nullptr ? node->next->prev : tail_) = node->prev;
    node->prev = node->next = nullptr;
    --waiting_;
}

semaphore::waiter* semaphore::pop() noexcept
{
    waiter* node = head_;
    if (node != nullptr) {
        unlink(node);
    }
    return node;
}

} // namespace ahttp
