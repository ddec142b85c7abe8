// Shared helpers for the C++ bench programs: argument parsing, wall clock, peak RSS.
// Every program prints one machine-readable line that scripts/bench parses:
//   RESULT <benchmark> <peer> key=value key=value ...
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bench {

// Peak resident set size of this process in bytes (VmHWM from /proc/self/status).
inline long long peak_rss_bytes() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long long kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmHWM:", 6) == 0) {
            kb = std::atoll(line + 6);
            break;
        }
    }
    std::fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

// Resets the peak RSS to the current RSS (Linux >= 4.0) so that the delta measured
// afterwards covers only the region of interest. Best effort: ignored if not permitted.
inline void reset_peak_rss() {
    if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

inline double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// `prog [N]`: the size, default `def`.
inline long arg_n(int argc, char** argv, long def) {
    return argc > 1 ? std::atol(argv[1]) : def;
}

// One run of `run(n)`: what it returned, its wall time, and the peak RSS growth over it.
struct Measured {
    long sum;
    double seconds;
    long long bytes;
};
template <class Run>
Measured measure(Run& run, long n) {
    reset_peak_rss();
    const long long rss0 = peak_rss_bytes();
    const double t0 = now_s();
    const long sum = run(n);
    const double t1 = now_s();
    return {sum, t1 - t0, peak_rss_bytes() - rss0};
}

// The main of a spawn + gather program: `run(n)` does the whole workload once and returns the sum of
// the results. It runs twice: first in the fresh process (ns_per_task, and the peak RSS growth per
// task), then again warm (warm_ns_per_task): frames from the pool the first run filled, on memory
// already backed. On a VM whose balloon reports free pages to the host, a fresh process's first touch
// of memory another process freed seconds before pays the hypervisor's faults too (up to 4x the
// figure); the warm figure is the scheduler's alone. Exits 1 when a sum is wrong.
template <class Run>
int spawn_gather_main(const char* peer, long n, Run run) {
    const long expect = n * (n - 1) / 2;
    const Measured fresh = measure(run, n);
    const Measured warm = measure(run, n);
    if (fresh.sum != expect || warm.sum != expect) {
        std::fprintf(stderr, "%s: wrong sums %ld and %ld, expected %ld\n", peer, fresh.sum, warm.sum, expect);
        return 1;
    }
    std::printf("RESULT spawn_gather %s n=%ld ns_per_task=%.1f bytes_per_task=%.1f warm_ns_per_task=%.1f\n", peer, n,
                fresh.seconds * 1e9 / n, double(fresh.bytes) / n, warm.seconds * 1e9 / n);
    return 0;
}

// The main of a timers program: `run(n)` sets n timers spread over one second, waits for them all and
// returns the sum of their indices. Prints the whole run's wall time (ideal: 1 s) and the peak RSS growth
// per timer. Exits 1 when the sum is wrong.
template <class Run>
int timers_main(const char* peer, long n, Run run) {
    const Measured m = measure(run, n);
    if (m.sum != n * (n - 1) / 2) {
        std::fprintf(stderr, "%s timers: wrong sum %ld\n", peer, m.sum);
        return 1;
    }
    std::printf("RESULT timers %s n=%ld wall_s=%.3f bytes_per_timer=%.1f\n", peer, n, m.seconds, double(m.bytes) / n);
    return 0;
}

}  // namespace bench
