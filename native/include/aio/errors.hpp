// Exceptions, named as asyncio names them.
//
// CancelledError   asyncio.CancelledError: delivered into a task at its next suspension after cancel().
//                  A task whose coroutine lets it escape ends cancelled, not failed.
// TimeoutError     asyncio.TimeoutError (3.11 aliases the builtin): wait_for, timeout(), as_completed.
// InvalidStateError asyncio.InvalidStateError: result() of a pending task, set_result() twice.
// ExceptionGroup   BaseExceptionGroup: what a TaskGroup raises, holding every non-cancellation error.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace aio {

class CancelledError : public std::exception {
 public:
  explicit CancelledError(std::string msg = {}) : msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }
  const std::string& message() const noexcept { return msg_; }

 private:
  std::string msg_;
};

class TimeoutError : public std::runtime_error {
 public:
  TimeoutError() : std::runtime_error("timed out") {}
  explicit TimeoutError(const std::string& what) : std::runtime_error(what) {}
};

class InvalidStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class ExceptionGroup : public std::exception {
 public:
  ExceptionGroup(std::string msg, std::vector<std::exception_ptr> errors);
  const char* what() const noexcept override { return what_.c_str(); }
  const std::string& message() const noexcept { return msg_; }
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return errors_; }

 private:
  std::string msg_;
  std::string what_;
  std::vector<std::exception_ptr> errors_;
};

// The text of an exception_ptr's exception, for messages and traces ("" for none).
std::string describe(const std::exception_ptr& e);
// True when `e` holds a CancelledError.
bool is_cancellation(const std::exception_ptr& e);

}  // namespace aio
