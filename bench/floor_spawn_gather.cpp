// The floor: the least a coroutine scheduler can do for spawn + gather, written in the bench.
// One coroutine frame and one ready-queue push per task: a child starts eagerly (create_task
// runs it up to its first suspension, the sleep(0), which pushes it on the ready queue once),
// the loop resumes it once, it stores its result in its own frame and the last child to finish
// resumes the parent by symmetric transfer. No cancellation, no exceptions, no timers, no
// names, no per-task bookkeeping beyond the frame. Real schedulers pay for those; this one is
// the lower bound the others are compared against.
//
// Built twice: floor_spawn_gather as above, and floor_lazy_spawn_gather (FLOOR_LAZY_START) whose tasks
// start on the next loop turn, as asyncio's create_task has them do (and aio's): two ready-queue passes
// a task instead of one, a like-for-like floor for a scheduler with asyncio's order.
//
// Its frames come from aio's frame pool (the same per-thread size classes over 2 MiB slabs), so
// that aio's ratio to the floor measures the scheduler, not the allocator: with plain `new`,
// a million fresh frames cost the floor a page fault every few dozen tasks and aio none.
#include <coroutine>
#include <exception>
#include <utility>
#include <vector>

#include <aio/detail/frame_allocator.hpp>

#include "bench_util.hpp"

namespace floorsched {

// The ready queue: the handles pushed during one pass run in the next, in order (asyncio's FIFO).
struct Loop {
    std::vector<std::coroutine_handle<>> ready;
    std::vector<std::coroutine_handle<>> batch;
    void push(std::coroutine_handle<> h) { ready.push_back(h); }
    void run() {
        while (!ready.empty()) {
            batch.swap(ready);
            for (auto h : batch) h.resume();
            batch.clear();
        }
    }
};

inline Loop* g_loop = nullptr;

#ifdef FLOOR_LAZY_START
constexpr bool kEagerStart = false;
#else
constexpr bool kEagerStart = true;
#endif

// A new task runs at once up to its first suspension (eager), or is queued for the next turn (lazy).
struct Start {
    bool await_ready() noexcept { return kEagerStart; }
    void await_suspend(std::coroutine_handle<> h) noexcept { g_loop->push(h); }
    void await_resume() noexcept {}
};

template <class T>
struct Task {
    struct promise_type {
        T value{};
        std::coroutine_handle<> continuation;
        int* pending = nullptr;  // set by gather: tasks still running

        static void* operator new(std::size_t size) { return aio::detail::allocate_frame(size); }
        static void operator delete(void* p, std::size_t size) noexcept { aio::detail::free_frame(p, size); }

        Task get_return_object() {
            return Task{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        Start initial_suspend() noexcept { return {}; }
        struct FinalAwaiter {
            bool await_ready() noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
                auto& p = h.promise();
                if (p.pending && --*p.pending == 0) return p.continuation;
                return std::noop_coroutine();
            }
            void await_resume() noexcept {}
        };
        FinalAwaiter final_suspend() noexcept { return {}; }
        void return_value(T v) { value = std::move(v); }
        void unhandled_exception() { std::terminate(); }
    };

    std::coroutine_handle<promise_type> h;
    explicit Task(std::coroutine_handle<promise_type> h) : h(h) {}
    Task(Task&& o) noexcept : h(std::exchange(o.h, {})) {}
    Task& operator=(Task&&) = delete;
    ~Task() {
        if (h) h.destroy();
    }
};

struct Yield {  // sleep(0): one loop turn
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { g_loop->push(h); }
    void await_resume() noexcept {}
};

template <class T>
struct Gather {
    std::vector<Task<T>>& tasks;
    int pending = 0;
    bool await_ready() noexcept {
        for (auto& t : tasks)
            if (!t.h.done()) ++pending;
        return pending == 0;
    }
    void await_suspend(std::coroutine_handle<> parent) noexcept {
        for (auto& t : tasks)
            if (!t.h.done()) {
                t.h.promise().pending = &pending;
                t.h.promise().continuation = parent;
            }
    }
    std::vector<T> await_resume() {
        std::vector<T> out;
        out.reserve(tasks.size());
        for (auto& t : tasks) out.push_back(std::move(t.h.promise().value));
        tasks.clear();  // frees the frames
        return out;
    }
};

}  // namespace floorsched

using floorsched::Task;

static Task<int> child(int i) {
    co_await floorsched::Yield{};
    co_return i;
}

static Task<long> parent(int n) {
    std::vector<Task<int>> tasks;
    tasks.reserve(n);
    for (int i = 0; i < n; ++i) tasks.push_back(child(i));
    std::vector<int> r = co_await floorsched::Gather<int>{tasks};
    long sum = 0;
    for (int v : r) sum += v;
    co_return sum;
}

// One whole run on a loop of its own, as aio::run makes one.
static long run_once(long n) {
    floorsched::Loop loop;
    floorsched::g_loop = &loop;
    Task<long> p = parent(static_cast<int>(n));
    loop.run();
    return p.h.promise().value;
}

int main(int argc, char** argv) {
    return bench::spawn_gather_main(floorsched::kEagerStart ? "floor" : "floor-lazy", bench::arg_n(argc, argv, 1000000),
                                    run_once);
}
