// A pool of std::threads for executors: started on demand up to max_workers, one job each at a time.
#pragma once

#include <memory>

#include "aio/platform.hpp"

namespace aio {
std::unique_ptr<WorkerPool> make_thread_pool(int max_workers);
}
