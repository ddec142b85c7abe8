#include "aio/errors.hpp"

namespace aio {

ExceptionGroup::ExceptionGroup(std::string msg, std::vector<std::exception_ptr> errors)
    : msg_(std::move(msg)), errors_(std::move(errors)) {
  // Python's str() of an exception group: "msg (N sub-exception[s])".
  what_ = msg_ + " (" + std::to_string(errors_.size()) + " sub-exception" + (errors_.size() == 1 ? "" : "s") + ")";
}

std::string describe(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const CancelledError& c) {
    return c.message().empty() ? "CancelledError" : "CancelledError: " + c.message();
  } catch (const TimeoutError&) {
    return "TimeoutError";
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

bool is_cancellation(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace aio
