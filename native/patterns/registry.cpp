#include "registry.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <aio/detail/json_writer.hpp>

namespace patterns {

extern const Pattern create_task;
extern const Pattern gather;
extern const Pattern timing;
extern const Pattern as_completed;
extern const Pattern wait;
extern const Pattern task_group;
extern const Pattern chaining;
extern const Pattern executor;
extern const Pattern producer_consumer;
extern const Pattern semaphore;
extern const Pattern timeout;
extern const Pattern cancel;
extern const Pattern task_group_error;
extern const Pattern event;
extern const Pattern lock;
extern const Pattern retry;

namespace {
// Adds `item` to a list as error messages show one: "a, b, c".
void append_listed(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list += item;
}
}  // namespace

const std::vector<const Pattern*>& all_patterns() {
  static const std::vector<const Pattern*> list{
      &create_task, &gather, &timing, &as_completed, &wait, &task_group, &chaining, &executor,
      &producer_consumer, &semaphore, &timeout, &cancel, &task_group_error, &event, &lock, &retry,
  };
  return list;
}

const Pattern* find_pattern(std::string_view id) {
  for (const Pattern* p : all_patterns())
    if (p->id == id) return p;
  return nullptr;
}

const Pattern& pattern_or_throw(std::string_view id) {
  if (const Pattern* p = find_pattern(id)) return *p;
  std::string known;
  for (const Pattern* p : all_patterns()) append_listed(known, p->id);
  throw ParamError("unknown pattern " + quoted(id) + " (known: " + known + ")");
}

std::string Number::str() const {
  if (is_int) return std::to_string(static_cast<long long>(value));
  return aio::py_str(value);
}

const char* to_string(ParamType t) noexcept {
  switch (t) {
    case ParamType::number: return "number";
    case ParamType::integer: return "integer";
    case ParamType::list: return "list";
    case ParamType::choice: return "choice";
  }
  return "?";
}

std::string quoted(std::string_view value) {
  std::string s(value.substr(0, kQuoteLength));
  if (value.size() > kQuoteLength) s += "...";
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return "'" + s + "'";
}

double check_time_scale(double scale, std::string_view what) {
  if (!std::isfinite(scale) || scale < kMinTimeScale || scale > kMaxTimeScale)
    throw ParamError(std::string(what) + ": " + aio::py_str(scale) + " is out of range [" + aio::py_str(kMinTimeScale) +
                     ", " + aio::py_str(kMaxTimeScale) + "]");
  return scale;
}

std::string limits_json() {
  aio::detail::JsonWriter w;
  w.begin_object().key("timeScale").begin_object().field("min", kMinTimeScale).field("max", kMaxTimeScale).end_object();
  w.key("maxValueLength").integer(kMaxValueLength).key("quoteLength").integer(kQuoteLength).end_object();
  return w.str();
}

namespace {


// How many ASCII digits start at `i`.
std::size_t digits_at(const std::string& s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && s[i + n] >= '0' && s[i + n] <= '9') ++n;
  return n;
}

// The number grammar, hand-written (std::regex alone is a third of the WebAssembly module):
//   integer  [+-]?[0-9]{1,15}
//   real     [+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?
enum class Shape { none, integer, real };
Shape shape_of(const std::string& s) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  std::size_t whole = digits_at(s, i);
  i += whole;
  if (i == s.size()) return whole >= 1 && whole <= 15 ? Shape::integer : whole ? Shape::real : Shape::none;
  std::size_t fraction = 0;
  if (s[i] == '.') {
    fraction = digits_at(s, i + 1);
    i += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return Shape::none;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    std::size_t exp = digits_at(s, j);
    if (exp < 1 || exp > 3) return Shape::none;
    i = j + exp;
  }
  return i == s.size() ? Shape::real : Shape::none;
}

// A number as Python's int() or float() would read it; nullopt if neither would.
std::optional<Number> read_number(const std::string& text) {
  Shape shape = shape_of(text);
  if (shape == Shape::integer) return Number{std::strtod(text.c_str(), nullptr), true};
  if (shape == Shape::none) return std::nullopt;
  errno = 0;
  double v = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return Number{v, false};
}

Number checked_number(const ParamSpec& s, const std::string& text, const std::string& what) {
  auto n = read_number(text);
  if (!n) throw ParamError(what + ": " + quoted(text) + " is not a number");
  const bool integer = s.type == ParamType::integer;
  if (integer && !n->is_int) throw ParamError(what + ": " + quoted(text) + " is not a whole number");
  if (n->value < s.min || n->value > s.max)
    throw ParamError(what + ": " + n->str() + " is out of range [" + Number{s.min, integer}.str() + ", " +
                     Number{s.max, integer}.str() + "]");
  return *n;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Checks one value against its spec; returns it normalised (list items without spaces).
std::string validate(const Pattern& p, const ParamSpec& s, const std::string& value) {
  const std::string what = std::string(p.id) + " parameter '" + std::string(s.key) + "'";
  if (value.size() > kMaxValueLength)
    throw ParamError(what + ": value is too long (" + std::to_string(value.size()) + " characters)");
  if (s.optional && value == "none") return value;
  if (s.type == ParamType::choice) {
    for (const auto& c : s.choices)
      if (c == value) return value;
    std::string allowed;
    for (const auto& c : s.choices) append_listed(allowed, c);
    throw ParamError(what + ": " + quoted(value) + " is not one of " + allowed);
  }
  if (s.type == ParamType::list) {
    auto items = split(value, ',');
    if (items.size() > static_cast<std::size_t>(s.max_items))
      throw ParamError(what + ": " + std::to_string(items.size()) + " items, at most " + std::to_string(s.max_items));
    std::string norm;
    for (auto& item : items) {
      if (item.empty()) throw ParamError(what + ": an empty item in " + quoted(value));
      checked_number(s, item, what);
      norm += (norm.empty() ? "" : ",") + item;
    }
    return norm;
  }
  checked_number(s, value, what);
  return value;
}

}  // namespace

double parse_time_scale(const std::string& text, std::string_view what) {
  auto n = read_number(text);
  if (!n) throw ParamError(std::string(what) + ": " + quoted(text) + " is not a number");
  return check_time_scale(n->value, what);
}

Params parse_params(const Pattern& p, const std::vector<std::pair<std::string, std::string>>& given) {
  Params out;
  for (const auto& s : p.params) out.values_[std::string(s.key)] = s.default_value;
  for (const auto& [key, value] : given) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : p.params)
      if (s.key == key) spec = &s;
    if (!spec) {
      std::string known;
      for (const auto& s : p.params) append_listed(known, s.key);
      throw ParamError(std::string(p.id) + " has no parameter " + quoted(key) + " (it has: " + known + ")");
    }
    out.values_[key] = validate(p, *spec, value);
  }
  return out;
}

Number Params::number(const std::string& key) const {
  auto n = read_number(text(key));
  if (!n) throw ParamError("parameter '" + key + "' is not set to a number");
  return *n;
}

std::optional<Number> Params::optional_number(const std::string& key) const {
  if (text(key) == "none") return std::nullopt;
  return number(key);
}

std::vector<Number> Params::list(const std::string& key) const {
  std::vector<Number> out;
  for (const auto& item : split(text(key), ',')) {
    if (item.empty()) continue;
    if (auto n = read_number(item)) out.push_back(*n);
  }
  return out;
}

const std::string& Params::text(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw ParamError("no parameter '" + key + "'");
  return it->second;
}

namespace {

// The main coroutine records the loop time at which it ends: cleanup after it does not count.
aio::Coro<> stamped(const Pattern& p, const Params& params, RunResult& r) {
  struct Stamp {
    RunResult& r;
    ~Stamp() { r.elapsed = aio::EventLoop::current().time(); }
  } stamp{r};
  co_await p.main(params);
}

}  // namespace

PatternRun::PatternRun(const Pattern& p, const Params& params, const RunConfig& config) : config_(config) {
  r_.id = p.id;
  r_.params = params.values();
  r_.clock = config.clock;
  r_.time_scale = config.clock == aio::ClockKind::virtual_time ? 1.0 : config.time_scale;
  r_.ideal = p.ideal(params);
  aio::RunOptions opts;
  opts.clock = config.clock;
  opts.time_scale = config.time_scale;
  opts.trace = config.trace;
  opts.platform = config.platform;
  opts.on_start = config.on_start;
  opts.output = [this](std::string_view text, double t) {
    r_.lines.push_back(Line{t, std::string(text)});
    if (config_.on_line) config_.on_line(r_.lines.back());
  };
  try {
    run_.emplace(stamped(p, params, r_), opts);
  } catch (...) {
    record(std::current_exception());
  }
}

// On the suspending path: nothing here catches or is destroyed across run_->run() (see
// aio::EventLoop::run_until); finish() does that after.
void PatternRun::run() {
  if (!run_) return;  // it could not start: the result says why
  run_->run();
  finish();
}

void PatternRun::finish() {
  std::exception_ptr error;
  try {
    run_->result();
  } catch (...) {
    error = std::current_exception();
  }
  run_.reset();  // as aio::run returns: the loop is gone before the error is looked at
  if (error) record(error);
}

void PatternRun::record(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const aio::CancelledError&) {
    r_.cancelled = true;
  } catch (...) {
    r_.error = aio::describe(std::current_exception());
  }
}

RunResult run_pattern(const Pattern& p, const Params& params, const RunConfig& config) {
  PatternRun run(p, params, config);
  run.run();
  return std::move(run.result());
}

std::string RunResult::to_json() const {
  aio::detail::JsonWriter w;
  w.begin_object().field("id", id).key("params").begin_object();
  for (const auto& [k, v] : params) w.field(k, v);
  w.end_object().field("clock", clock == aio::ClockKind::virtual_time ? "virtual" : "real");
  w.field("time_scale", time_scale).key("lines").begin_array();
  for (const Line& l : lines) w.begin_object().field("t", l.t).field("text", l.text).end_object();
  w.end_array().field("elapsed", elapsed).field("ideal", ideal).field("cancelled", cancelled);
  if (!error.empty()) w.field("error", error);
  w.end_object();
  return w.str();
}

std::string patterns_json() {
  aio::detail::JsonWriter w;
  w.begin_array();
  for (const Pattern* p : all_patterns()) {
    w.begin_object().field("id", p->id).field("title", p->title).field("summary", p->summary);
    w.field("group", p->group).key("params").begin_array();
    for (const auto& s : p->params) {
      w.begin_object().field("key", s.key).field("label", s.label).field("type", to_string(s.type));
      w.field("default", s.default_value);
      if (s.type != ParamType::choice) w.field("min", s.min).field("max", s.max);
      if (s.type == ParamType::list) w.key("maxItems").integer(s.max_items);
      if (!s.choices.empty()) {
        w.key("choices").begin_array();
        for (const auto& c : s.choices) w.string(c);
        w.end_array();
      }
      if (s.optional) w.field("optional", true);
      w.field("help", s.help).end_object();
    }
    w.end_array().field("ideal", p->ideal(parse_params(*p, {}))).end_object();
  }
  w.end_array();
  return w.str();
}

}  // namespace patterns
