// Packing of executor arguments and results into bytes, so that a job can cross to a Web Worker (a
// separate instance of the WebAssembly module) as well as to a thread. Numbers, bools and strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

namespace aio::detail {

template <class T>
inline constexpr bool packable_v =
    std::is_arithmetic_v<std::decay_t<T>> || std::is_same_v<std::decay_t<T>, std::string> || std::is_void_v<T>;

template <class T>
void pack_one(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    auto n = static_cast<std::uint64_t>(v.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(v);
  } else {
    static_assert(std::is_arithmetic_v<T>, "executor arguments and results are numbers, bools or std::string");
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
}

template <class T>
T unpack_one(const std::string& in, std::size_t& at) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::uint64_t n;
    if (at + sizeof n > in.size()) throw std::runtime_error("aio: truncated executor message");
    std::memcpy(&n, in.data() + at, sizeof n);
    at += sizeof n;
    if (n > in.size() - at) throw std::runtime_error("aio: truncated executor message");
    std::string s = in.substr(at, n);
    at += n;
    return s;
  } else {
    T v;
    if (at + sizeof v > in.size()) throw std::runtime_error("aio: truncated executor message");
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
}

template <class... A>
std::string pack(const A&... a) {
  std::string out;
  (pack_one(out, a), ...);
  return out;
}

// The worker side of a job: unpacks the arguments, calls fn, packs its result.
template <class R, class... P>
std::string invoke_packed(std::uintptr_t fn, const std::string& args) {
  auto f = reinterpret_cast<R (*)(P...)>(fn);
  [[maybe_unused]] std::size_t at = 0;  // unused when the job takes no arguments
  // Braced initialisation evaluates the arguments left to right.
  std::tuple<std::decay_t<P>...> t{unpack_one<std::decay_t<P>>(args, at)...};
  if constexpr (std::is_void_v<R>) {
    std::apply(f, std::move(t));
    return {};
  } else {
    std::string out;
    pack_one(out, std::apply(f, std::move(t)));
    return out;
  }
}

}  // namespace aio::detail
