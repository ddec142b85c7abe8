// Exceptions, named as asyncio names them.
//
// CancelledError   asyncio.CancelledError: delivered into a task at its next suspension after cancel().
//                  A task whose coroutine lets it escape ends cancelled, not failed.
// TimeoutError     asyncio.TimeoutError (3.11 aliases the builtin): wait_for, timeout(), as_completed.
// InvalidStateError asyncio.InvalidStateError: result() of a pending task, set_result() twice.
// ExceptionGroup   BaseExceptionGroup: what a TaskGroup raises, holding every non-cancellation error.
//                  split() and subgroup() take it apart by exception type, as `except*` does.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
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

// split() and subgroup() are BaseExceptionGroup.split() / .subgroup(), what `except* E as eg:` runs:
//
//     } catch (const aio::ExceptionGroup& group) {        // except* ValueError as eg:
//       auto [eg, rest] = group.split<std::invalid_argument>();
//       if (eg) aio::print("caught " + aio::py_repr(*eg));
//       if (rest) throw *rest;                           // what no clause matched propagates
//     }
//
// The condition is a list of exception types (split<E...>(): `isinstance(e, (E, ...))`, so
// split<std::exception>() takes everything) or a predicate on an exception_ptr. It is asked first of
// the group itself, then depth-first of each sub-exception and each nested group:
//   - a group the condition matches goes whole to the match side, with its structure;
//   - a leaf goes to the match side if the condition matches it, to the rest otherwise;
//   - any other nested group is split in turn, and each side that is not empty is a new group with
//     the same message holding that side's part, in the original order.
// Each side is nullopt (Python's None) when empty; leaves keep their identity (the same exception_ptr).
// subgroup() is the match side of split() alone.
class ExceptionGroup : public std::exception {
 public:
  using Condition = std::function<bool(const std::exception_ptr&)>;
  using Split = std::pair<std::optional<ExceptionGroup>, std::optional<ExceptionGroup>>;

  ExceptionGroup(std::string msg, std::vector<std::exception_ptr> errors);
  const char* what() const noexcept override { return what_.c_str(); }
  const std::string& message() const noexcept { return msg_; }
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return errors_; }

  // (match, rest).
  Split split(const Condition& condition) const;
  template <class... E>
  Split split() const { return split(&is_instance<E...>); }
  std::optional<ExceptionGroup> subgroup(const Condition& condition) const;
  template <class... E>
  std::optional<ExceptionGroup> subgroup() const { return subgroup(&is_instance<E...>); }

  // True when `e` holds an exception of one of the types E (or derived from one).
  template <class... E>
  static bool is_instance(const std::exception_ptr& e) {
    static_assert(sizeof...(E) > 0, "name at least one exception type");
    return (is_one<E>(e) || ...);
  }

 private:
  template <class E>
  static bool is_one(const std::exception_ptr& e) {
    if (!e) return false;
    try {
      std::rethrow_exception(e);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  std::string msg_;
  std::string what_;
  std::vector<std::exception_ptr> errors_;
};

// The text of an exception_ptr's exception, for messages and traces ("" for none).
std::string describe(const std::exception_ptr& e);
// True when `e` holds a CancelledError.
bool is_cancellation(const std::exception_ptr& e);

// Python's repr() of the exception `e` holds ("None" for none), under its Python name:
// ExceptionGroup('msg', [ValueError('x')]), CancelledError(), TimeoutError() (a TimeoutError with the
// default message), InvalidStateError('...'), ValueError('...') for std::invalid_argument,
// RuntimeError('...') for another std::runtime_error, Exception('...') for any other std::exception,
// Exception() for what is not one. The message is quoted as Python quotes a str (non-ASCII text is
// taken as printable); an empty message reads as none, ValueError().
std::string py_repr(const std::exception_ptr& e);
std::string py_repr(const ExceptionGroup& group);

}  // namespace aio
