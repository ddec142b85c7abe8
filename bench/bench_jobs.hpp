// The jobs the executor benchmarks hand to worker threads (shared by the aio and Asio programs).
#pragma once

#include <cstdint>

namespace bench {

// Trivial job: the round trip (submit, run on a worker, wake the loop, resume) is all there is.
inline int trivial(int x) { return x + 1; }

// CPU-bound job: `iters` rounds of xorshift; about 1 ns per round. Not optimisable away.
inline long spin(long iters) {
    std::uint64_t x = 88172645463325252ull + static_cast<std::uint64_t>(iters);
    for (long i = 0; i < iters; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return static_cast<long>(x & 0xffff);
}

}  // namespace bench
