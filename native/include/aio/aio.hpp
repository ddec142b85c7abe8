// aio: asyncio for C++20. One include for the whole public surface; each header documents its part.
#pragma once

#include "coro.hpp"
#include "errors.hpp"
#include "executor.hpp"
#include "future.hpp"
#include "loop.hpp"
#include "platform.hpp"
#include "print.hpp"
#include "run.hpp"
#include "sleep.hpp"
#include "task.hpp"
#include "trace.hpp"
