#include "aio/errors.hpp"

#include <cstdio>
#include <string_view>

namespace aio {

ExceptionGroup::ExceptionGroup(std::string msg, std::vector<std::exception_ptr> errors)
    : msg_(std::move(msg)), errors_(std::move(errors)) {
  // Python's str() of an exception group: "msg (N sub-exception[s])".
  what_ = msg_ + " (" + std::to_string(errors_.size()) + " sub-exception" + (errors_.size() == 1 ? "" : "s") + ")";
}

namespace {

// CPython's exceptiongroup_split_recursive: the group matched whole, or a leaf on one side, or a
// nested group split in turn. `rest` is null when only the match side is wanted (subgroup()).
void split_into(const std::exception_ptr& e, const ExceptionGroup::Condition& condition,
                std::vector<std::exception_ptr>& match, std::vector<std::exception_ptr>* rest);

// A group's own parts: each side gets a new group with the same message, or nothing if it is empty.
void split_parts(const ExceptionGroup& g, const ExceptionGroup::Condition& condition,
                 std::optional<ExceptionGroup>& match, std::optional<ExceptionGroup>* rest) {
  std::vector<std::exception_ptr> matched, others;
  for (const auto& e : g.exceptions()) split_into(e, condition, matched, rest ? &others : nullptr);
  if (!matched.empty()) match.emplace(g.message(), std::move(matched));
  if (rest && !others.empty()) rest->emplace(g.message(), std::move(others));
}

void split_into(const std::exception_ptr& e, const ExceptionGroup::Condition& condition,
                std::vector<std::exception_ptr>& match, std::vector<std::exception_ptr>* rest) {
  if (condition(e)) {
    match.push_back(e);
    return;
  }
  const ExceptionGroup* group = nullptr;
  try {
    std::rethrow_exception(e);
  } catch (const ExceptionGroup& g) {
    group = &g;  // the exception object lives as long as `e` holds it
  } catch (...) {
  }
  if (!group) {
    if (rest) rest->push_back(e);
    return;
  }
  std::optional<ExceptionGroup> m, r;
  split_parts(*group, condition, m, rest ? &r : nullptr);
  if (m) match.push_back(std::make_exception_ptr(std::move(*m)));
  if (r) rest->push_back(std::make_exception_ptr(std::move(*r)));
}

// Python's repr() of a str.
std::string quoted(const std::string& s) {
  char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + quote;
}

// Python's repr() of an exception built from one message, or from none (an empty message).
std::string built(const char* name, const std::string& msg) {
  return std::string(name) + "(" + (msg.empty() ? "" : quoted(msg)) + ")";
}

}  // namespace

ExceptionGroup::Split ExceptionGroup::split(const Condition& condition) const {
  if (condition(std::make_exception_ptr(*this))) return {*this, std::nullopt};
  Split out;
  split_parts(*this, condition, out.first, &out.second);
  return out;
}

std::optional<ExceptionGroup> ExceptionGroup::subgroup(const Condition& condition) const {
  if (condition(std::make_exception_ptr(*this))) return *this;
  std::optional<ExceptionGroup> match;
  split_parts(*this, condition, match, nullptr);
  return match;
}

std::string py_repr(const ExceptionGroup& group) {
  std::string list;
  for (const auto& e : group.exceptions()) list += (list.empty() ? "" : ", ") + py_repr(e);
  return "ExceptionGroup(" + quoted(group.message()) + ", [" + list + "])";
}

std::string py_repr(const std::exception_ptr& e) {
  if (!e) return "None";
  try {
    std::rethrow_exception(e);
  } catch (const CancelledError& c) {
    return built("CancelledError", c.message());
  } catch (const TimeoutError& t) {
    return built("TimeoutError", t.what() == std::string_view(TimeoutError().what()) ? "" : t.what());
  } catch (const InvalidStateError& x) {
    return built("InvalidStateError", x.what());
  } catch (const ExceptionGroup& g) {
    return py_repr(g);
  } catch (const std::invalid_argument& x) {
    return built("ValueError", x.what());
  } catch (const std::runtime_error& x) {
    return built("RuntimeError", x.what());
  } catch (const std::exception& x) {
    return built("Exception", x.what());
  } catch (...) {
    return "Exception()";
  }
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
