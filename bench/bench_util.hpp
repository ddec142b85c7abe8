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

}  // namespace bench
