// Outcome<T>: a value or an exception, what gather(return_exceptions, ...) yields for each awaitable
// (Python puts the exception object itself in the result list).
#pragma once

#include <exception>
#include <optional>

#include "errors.hpp"
#include "future.hpp"

namespace aio {

template <class T>
class Outcome {
 public:
  using value_type = detail::value_of<T>;
  Outcome() = default;
  static Outcome of_value(value_type v) { Outcome o; o.value_.emplace(std::move(v)); return o; }
  static Outcome of_error(std::exception_ptr e) { Outcome o; o.error_ = std::move(e); return o; }

  bool ok() const noexcept { return value_.has_value(); }
  // True when the exception is a CancelledError.
  bool cancelled() const { return error_ && is_cancellation(error_); }
  // The value; rethrows the exception instead when there is one.
  const value_type& value() const {
    if (error_) std::rethrow_exception(error_);
    return *value_;
  }
  const std::exception_ptr& exception() const noexcept { return error_; }

 private:
  std::optional<value_type> value_;
  std::exception_ptr error_;
};

}  // namespace aio
