// SPDX-License-Identifier: BSL-1.0
// ahttp::task_group: co_spawn each task with its own cancellation signal; the state is shared
// with the completion handlers so a task finishing late never touches a destroyed group.
#include <ahttp/detail/branch.hpp>
#include <ahttp/error.hpp>
#include <ahttp/task_group.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <list>
#include <memory>
#include <utility>

namespace ahttp {
namespace {

// The pending wait(), with its handler type erased.
struct pending_wait {
    virtual ~pending_wait() = default;
    // Clears the cancellation slot and posts the handler with `failure`.
    virtual void complete(std::exception_ptr failure) = 0;
    boost::asio::cancellation_slot slot;
};

template <class Handler>
class pending_wait_op final : public pending_wait {
public:
    explicit pending_wait_op(Handler handler)
        : handler_(std::move(handler)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_),
                                    boost::asio::execution::outstanding_work.tracked))
    {
    }

    Handler& handler() noexcept { return handler_; }

    void complete(std::exception_ptr failure) override
    {
        if (slot.is_connected()) {
            slot.clear();
        }
        boost::asio::post(work_, boost::asio::append(std::move(handler_), std::move(failure)));
    }

private:
    using work_type = std::decay_t<decltype(boost::asio::prefer(
        boost::asio::get_associated_executor(std::declval<Handler&>()),
        boost::asio::execution::outstanding_work.tracked))>;

    Handler handler_;
    work_type work_; // a pending wait keeps its io_context running, like any Asio operation
};

} // namespace

struct detail::task_group_state : std::enable_shared_from_this<task_group_state> {
    struct child {
        boost::asio::cancellation_signal signal;
        bool done = false;
    };

    explicit task_group_state(executor tasks_executor) : ex(std::move(tasks_executor)) {}

    void cancel_all() noexcept
    {
        cancelling = true;
        for (child& c : children) {
            if (!c.done) {
                c.signal.emit(boost::asio::cancellation_type::terminal);
            }
        }
    }

    // Runs as the task's co_spawn completion handler.
    void finish(std::list<child>::iterator task, std::exception_ptr outcome)
    {
        task->done = true;
        --running;
        // operation_aborted after the group started cancelling is the group's own doing.
        if (outcome && !(cancelling && detail::is_operation_aborted(outcome))) {
            if (!failure) {
                failure = std::move(outcome);
            }
            cancel_all();
        }
        // The signal is erased later, not here: this handler runs inside co_spawn's entry
        // point, whose cancellation state lives in the signal's slot.
        boost::asio::post(ex, [self = shared_from_this(), task] { self->children.erase(task); });
        if (running == 0 && waiter) {
            std::unique_ptr<pending_wait> done = std::move(waiter);
            done->complete(take_outcome());
        }
    }

    // Ends a round of the group: reports its outcome and makes the group reusable.
    std::exception_ptr take_outcome()
    {
        std::exception_ptr outcome = std::exchange(failure, nullptr);
        if (!outcome && wait_cancelled) {
            outcome = std::make_exception_ptr(boost::system::system_error{
                boost::asio::error::operation_aborted, "task_group::wait"});
        }
        cancelling = false;
        wait_cancelled = false;
        return outcome;
    }

    executor ex;
    std::list<child> children; // stable addresses for the signals
    std::size_t running = 0;
    std::exception_ptr failure;
    bool cancelling = false;
    bool wait_cancelled = false;
    std::unique_ptr<pending_wait> waiter;
};

namespace {

// Lives in the waiting coroutine's cancellation slot; weak because the slot may outlive us.
struct wait_cancel_handler {
    std::weak_ptr<detail::task_group_state> group;

    void operator()(boost::asio::cancellation_type_t) const
    {
        if (auto self = group.lock()) {
            self->wait_cancelled = true;
            self->cancel_all(); // wait() keeps waiting until the tasks have finished
        }
    }
};

struct wait_initiation {
    std::shared_ptr<detail::task_group_state> group;

    template <class Handler>
    void operator()(Handler&& handler) const
    {
        auto op = std::make_unique<pending_wait_op<std::decay_t<Handler>>>(
            std::forward<Handler>(handler));
        op->slot = boost::asio::get_associated_cancellation_slot(op->handler());
        if (op->slot.is_connected()) {
            op->slot.template emplace<wait_cancel_handler>(wait_cancel_handler{group});
        }
        group->waiter = std::move(op);
    }
};

} // namespace

task_group::task_group(executor ex)
    : state_(std::make_shared<detail::task_group_state>(std::move(ex)))
{
}

task_group::~task_group()
{
    if (state_->running != 0) {
        state_->cancel_all();
    }
}

void task_group::spawn(awaitable<void> task)
{
    if (state_->cancelling) {
        return; // see the header: the task is discarded without running
    }
    auto child = state_->children.emplace(state_->children.end());
    ++state_->running;
    try {
        boost::asio::co_spawn(
            state_->ex, std::move(task),
            boost::asio::bind_cancellation_slot(child->signal.slot(),
                                                [self = state_, child](std::exception_ptr outcome) {
                                                    self->finish(child, std::move(outcome));
                                                }));
    } catch (...) {
        --state_->running;
        state_->children.erase(child);
        throw;
    }
}

awaitable<void> task_group::wait()
{
    if (state_->running == 0) {
        if (std::exception_ptr outcome = state_->take_outcome()) {
            std::rethrow_exception(outcome);
        }
        co_return;
    }
    if (state_->waiter) {
        throw error{errc::invalid_state, "task_group::wait: another wait() is pending"};
    }
    // A named initiation, not `wait_initiation{state_}` inside the co_await: g++ 12 destroys a
    // braced aggregate temporary of a co_await expression twice (here: one shared_ptr
    // release too many).
    wait_initiation initiation{state_};
    co_await boost::asio::async_initiate<boost::asio::use_awaitable_t<> const&,
                                         void(std::exception_ptr)>(std::move(initiation),
                                                                   boost::asio::use_awaitable);
}

void task_group::cancel() noexcept
{
    state_->cancel_all();
}

std::size_t task_group::running() const noexcept
{
    return state_->running;
}

executor const& task_group::get_executor() const noexcept
{
    return state_->ex;
}

} // namespace ahttp
