// aio_stress: seeded random task trees on the virtual clock, checked against a reference model.
//
//   aio_stress [--seeds N] [--from S]      runs N scenarios, seeds S .. S+N-1 (default 10000 from 1)
//   aio_stress --seed S --verbose          one scenario: its tree, the model's expectations, what ran
//   aio_stress --seconds T ...             stops after T seconds (wall clock), whatever --seeds says
//   aio_stress --leftovers                 the root is aio::run's main: aio::run cancels what it leaves behind
//   aio_stress --no-huge-timeouts          leaves out the timeouts of 1e10 s (more ns than int64 holds)
//
// A scenario is a random tree of nodes, each a coroutine returning a number or throwing:
//   leaf (sleep, then a value or LeafError), stubborn leaf (catches CancelledError, cleans up, rethrows
//   or swallows), seq (inline awaits), spawn (create_task + await), gather (range and pair, both
//   modes), wait (every return_when, optional timeout, optionally cancelling the pending tasks),
//   as_completed (optional timeout), task_group (tasks + an inline body child), wait_for (none, 0,
//   positive), timeout scope, shield, lock (serialised children), semaphore (a pool of permits),
//   event (children wait for a setter), queue (a bounded producer/consumer pipeline, and a pool of
//   workers taking items from one queue).
// Without random cancellations the model gives every node's outcome and end time exactly (times are
// whole microseconds, timeouts fall on half microseconds, and ties are detected and left unchecked).
// With random cancellations (a canceller task cancels random tasks at random times) only structural
// invariants are checked. Always checked: every registered task's done callback runs exactly once and
// after the task is done; every coroutine body that started ended exactly once; every coroutine frame
// is freed once aio::run has returned (a counting token is a parameter of each generated coroutine);
// no task is left unfinished at the horizon; aio::run returns cleanly within the time bound.
// A failing seed prints the command that reproduces it.
#include <aio/aio.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIO_STRESS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AIO_STRESS_SANITIZED 1
#endif
#endif
#if AIO_STRESS_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;
constexpr i64 kUs = 1000;
constexpr i64 kInf = INT64_MAX / 4;
constexpr i64 kTol = 20;  // ns: timers truncate seconds * 1e9, so deadlines may land a nanosecond early

// ---------------------------------------------------------------------------------------------------
// Random numbers: splitmix64, so a seed means the same scenario on every platform.
struct Rng {
  u64 s;
  u64 next() {
    u64 z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<u64>(n)); }
  i64 range(i64 lo, i64 hi) { return lo + static_cast<i64>(next() % static_cast<u64>(hi - lo + 1)); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

i64 mix(i64 h, i64 x) {
  u64 v = static_cast<u64>(h) * 1000003ULL ^ static_cast<u64>(x);
  v ^= v >> 29;
  return static_cast<i64>(v & 0x7fffffffffffULL);
}
i64 hash_str(const std::string& s) {
  u64 h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return static_cast<i64>(h & 0x7fffffffffffULL);
}

// ---------------------------------------------------------------------------------------------------
// Counters of what is alive.
long g_frames = 0;  // coroutine frames of generated coroutines (a token parameter lives in each)
long g_bodies = 0;  // coroutine bodies that started and have not unwound

struct Frame {
  Frame() noexcept { ++g_frames; }
  Frame(const Frame&) noexcept { ++g_frames; }
  Frame(Frame&&) noexcept { ++g_frames; }
  Frame& operator=(const Frame&) = default;
  ~Frame() { --g_frames; }
};
struct Body {
  Body() noexcept { ++g_bodies; }
  Body(const Body&) = delete;
  ~Body() { --g_bodies; }
};

struct LeafError : std::exception {
  explicit LeafError(int id) : id(id), text("E" + std::to_string(id)) {}
  const char* what() const noexcept override { return text.c_str(); }
  int id;
  std::string text;
};

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const LeafError& x) {
    return x.text;
  } catch (const aio::CancelledError&) {
    return "Cancelled";
  } catch (const aio::TimeoutError&) {
    return "Timeout";
  } catch (const aio::ExceptionGroup& g) {
    std::string s = "Group[";
    for (std::size_t i = 0; i < g.exceptions().size(); ++i) s += (i ? "," : "") + describe(g.exceptions()[i]);
    return s + "]";
  } catch (const std::invalid_argument&) {
    return "ValueError";
  } catch (const std::exception& x) {
    return std::string("Other:") + x.what();
  } catch (...) {
    return "Unknown";
  }
}

struct Outcome {
  bool ok = false;
  i64 value = 0;
  std::string error;
  static Outcome val(i64 v) { return {true, v, {}}; }
  static Outcome err(std::string e) { return {false, 0, std::move(e)}; }
  std::string str() const { return ok ? std::to_string(value) : error; }
  i64 hash() const { return ok ? value : hash_str(error); }
  bool operator==(const Outcome& o) const { return ok == o.ok && (ok ? value == o.value : error == o.error); }
};

// ---------------------------------------------------------------------------------------------------
// The tree.
enum class Kind {
  leaf, stubborn, seq, spawn, gather, gather_re, pair, pair_re, wait, as_completed, group, wait_for,
  timeout, shield, lock, semaphore, event, pipeline, workers
};
const char* kind_name(Kind k) {
  static const char* names[] = {"leaf",   "stubborn", "seq",     "spawn",     "gather",   "gather_re",
                                "pair",   "pair_re",  "wait",    "as_completed", "group", "wait_for",
                                "timeout", "shield",  "lock",    "semaphore", "event",    "pipeline", "workers"};
  return names[static_cast<int>(k)];
}

struct Node {
  int id = 0;
  Kind kind = Kind::leaf;
  i64 delay = 0;                 // leaf/stubborn: sleep; event: when the setter sets it
  i64 cleanup = 0;               // stubborn: cleanup after CancelledError
  bool fail = false;             // leaf: throws LeafError; stubborn: swallows the cancellation
  bool yield0 = true;            // leaf with delay 0: sleep(0) (else no suspension at all)
  i64 value = 0;
  std::optional<i64> timeout;    // wait_for, timeout, wait, as_completed (ns)
  aio::ReturnWhen when = aio::ALL_COMPLETED;
  bool as_tasks = false;         // pass created (registered) tasks rather than coroutines
  bool cancel_pending = false;   // wait: cancel the pending tasks afterwards
  bool body_child = false;       // group: the last child runs inline in the body
  bool manual = false;           // lock/semaphore: acquire()/release() instead of hold()
  bool bounded = false;          // semaphore: BoundedSemaphore
  int permits = 1;               // semaphore
  int maxsize = 0;               // pipeline
  std::vector<i64> produce, consume;  // pipeline delays
  std::vector<Node*> kids;
};

// What one node did: recorded by its coroutine.
struct Rec {
  int started = 0;
  int ended = 0;
  Outcome out;
  i64 t_start = 0;
  i64 t_end = 0;
};

// What the model expects of one node.
struct Expect {
  bool known = true;     // false: not checked (ties, cancellations, stubborn cleanups)
  bool started = false;  // known && !started: the node must never start
  Outcome out;
  i64 t = 0;
};

struct TaskRec {
  aio::Task<i64> task;
  int node = -1;  // the node the task runs directly (-1 for wrappers)
  int callbacks = 0;
};

struct Scenario {
  u64 seed = 0;
  Rng rng{0};
  std::vector<std::unique_ptr<Node>> nodes;
  Node* root = nullptr;
  bool cancels = false;     // random cancellations
  bool leftovers = false;   // the root is aio::run's main; no drain
  i64 horizon = 0;
  std::vector<Rec> recs;
  std::vector<Expect> expect;
  std::deque<TaskRec> tasks;
  std::vector<std::string> failures;
  bool model_exact = false;
  long cancels_done = 0;
  std::vector<i64> event_times;  // natural starts and ends of the nodes: when cancels hit hardest
  void fail(std::string what) {
    if (failures.size() < 50) failures.push_back(std::move(what));
  }
};
Scenario* S = nullptr;

i64 now_ns() { return aio::EventLoop::current().now_ns(); }
double secs(i64 ns) { return static_cast<double>(ns) * 1e-9; }
// A timeout of 1e10 s: beyond what int64 nanoseconds hold (--huge-timeouts).
constexpr i64 kHuge = INT64_MAX / 8;
std::optional<double> secs(std::optional<i64> ns) {
  if (!ns) return std::nullopt;
  if (*ns == kHuge) return 1e10;
  return secs(*ns);
}

// ---------------------------------------------------------------------------------------------------
// Generation.
struct Gen {
  Scenario& s;
  int budget;
  Node* make(Kind k) {
    s.nodes.push_back(std::make_unique<Node>());
    Node* n = s.nodes.back().get();
    n->id = static_cast<int>(s.nodes.size()) - 1;
    n->kind = k;
    n->value = s.rng.range(1, 999);
    return n;
  }
  i64 delay() {
    if (s.rng.chance(0.12)) return 0;
    return s.rng.range(1, 20000) * kUs;
  }
  bool huge = false;
  i64 timeout() {
    if (huge && s.rng.chance(0.05)) return kHuge;
    int r = s.rng.below(100);
    if (r < 3) return 0;     // an expired deadline: cancels on the next loop turn
    if (r < 5) return -kUs;  // already in the past
    return s.rng.range(0, 40000) * kUs + kUs / 2;
  }
  Node* leaf() {
    bool stubborn = s.rng.chance(0.08);
    Node* n = make(stubborn ? Kind::stubborn : Kind::leaf);
    n->delay = delay();
    if (stubborn && n->delay == 0) n->delay = kUs;
    n->yield0 = s.rng.chance(0.7);
    n->fail = s.rng.chance(stubborn ? 0.3 : 0.15);
    n->cleanup = s.rng.chance(0.5) ? 0 : s.rng.range(1, 5000) * kUs;
    return n;
  }
  void kids(Node* n, int depth, int lo, int hi) {
    int k = static_cast<int>(s.rng.range(lo, hi));
    for (int i = 0; i < k; ++i) n->kids.push_back(node(depth + 1));
  }
  Node* node(int depth) {
    if (--budget <= 0 || depth >= 4 || (depth > 0 && s.rng.chance(0.3))) return leaf();
    static const Kind kinds[] = {Kind::seq,      Kind::spawn,   Kind::gather,   Kind::gather_re, Kind::pair,
                                 Kind::pair_re,  Kind::wait,    Kind::as_completed, Kind::group, Kind::wait_for,
                                 Kind::timeout,  Kind::shield,  Kind::lock,     Kind::semaphore, Kind::event,
                                 Kind::pipeline, Kind::workers};
    Kind k = kinds[s.rng.below(static_cast<int>(std::size(kinds)))];
    Node* n = make(k);
    n->as_tasks = s.rng.chance(0.5);
    switch (k) {
      case Kind::seq: kids(n, depth, 1, 3); break;
      case Kind::spawn:
      case Kind::shield: kids(n, depth, 1, 1); break;
      case Kind::gather:
      case Kind::gather_re: kids(n, depth, s.rng.chance(0.05) ? 0 : 1, 4); break;
      case Kind::pair:
      case Kind::pair_re: kids(n, depth, 2, 2); break;
      case Kind::wait: {
        kids(n, depth, s.rng.chance(0.04) ? 0 : 1, 4);
        static const aio::ReturnWhen whens[] = {aio::FIRST_COMPLETED, aio::FIRST_EXCEPTION, aio::ALL_COMPLETED};
        n->when = whens[s.rng.below(3)];
        if (s.rng.chance(0.5)) n->timeout = timeout();
        n->cancel_pending = s.rng.chance(0.5);
        break;
      }
      case Kind::as_completed:
        kids(n, depth, 0, 4);
        if (s.rng.chance(0.5)) n->timeout = timeout();
        break;
      case Kind::group:
        kids(n, depth, 0, 4);
        n->body_child = !n->kids.empty() && s.rng.chance(0.4);
        break;
      case Kind::wait_for: {
        kids(n, depth, 1, 1);
        int r = s.rng.below(20);
        if (r == 0) n->timeout = std::nullopt;
        else if (r == 1) n->timeout = 0;
        else n->timeout = timeout();
        break;
      }
      case Kind::timeout:
        kids(n, depth, 1, 1);
        if (!s.rng.chance(0.1)) n->timeout = timeout();
        break;
      case Kind::lock:
        kids(n, depth, 0, 3);
        n->manual = s.rng.chance(0.5);
        break;
      case Kind::semaphore:
        kids(n, depth, 0, 4);
        n->permits = static_cast<int>(s.rng.range(1, 3));
        n->manual = s.rng.chance(0.5);
        n->bounded = s.rng.chance(0.5);
        break;
      case Kind::event:
        kids(n, depth, 0, 3);
        n->delay = delay();
        break;
      case Kind::workers:
      case Kind::pipeline: {
        int items = static_cast<int>(s.rng.range(0, k == Kind::workers ? 7 : 5));
        n->permits = static_cast<int>(s.rng.range(1, 3));
        n->maxsize = static_cast<int>(s.rng.range(0, 2));
        for (int i = 0; i < items; ++i) {
          n->produce.push_back(s.rng.chance(0.3) ? 0 : s.rng.range(1, 5000) * kUs);
          n->consume.push_back(s.rng.chance(0.3) ? 0 : s.rng.range(1, 5000) * kUs);
        }
        break;
      }
      default: break;
    }
    return n;
  }
};

// ---------------------------------------------------------------------------------------------------
// The reference model. Times are relative to nothing: nat(n, s) is the outcome and end time of node
// n started at s when nothing cancels it from outside.
struct Exp {
  Outcome out;
  i64 t = 0;
  bool exact = true;
};

// When a node's timeout expires: a deadline already past fires at once (on the next loop turn).
i64 deadline(const Node& n, i64 s) { return *n.timeout == kHuge ? kInf : s + std::max<i64>(0, *n.timeout); }

bool has_stubborn(const Node& n) {
  if (n.kind == Kind::stubborn) return true;
  for (auto* k : n.kids)
    if (has_stubborn(*k)) return true;
  return false;
}

Exp nat(const Node& n, i64 s);

// A kid's natural start, and whether cancelling the node cancels it.
struct KidStart {
  const Node* kid;
  i64 start;
  bool attached;
};

// Semaphore/lock: list scheduling of the kids' durations over `permits`, in order (FIFO).
std::vector<i64> pool_starts(const Node& n, i64 s, int permits) {
  std::priority_queue<i64, std::vector<i64>, std::greater<>> free;
  for (int i = 0; i < permits; ++i) free.push(s);
  std::vector<i64> starts;
  for (auto* k : n.kids) {
    i64 st = free.top();
    free.pop();
    starts.push_back(st);
    free.push(nat(*k, st).t);
  }
  return starts;
}

std::vector<KidStart> kid_starts(const Node& n, i64 s) {
  std::vector<KidStart> out;
  switch (n.kind) {
    case Kind::seq: {
      i64 t = s;
      for (auto* k : n.kids) {
        out.push_back({k, t, true});
        Exp e = nat(*k, t);
        if (!e.out.ok) break;
        t = e.t;
      }
      break;
    }
    case Kind::wait_for:
      if (n.timeout && *n.timeout <= 0) break;
      out.push_back({n.kids[0], s, true});
      break;
    case Kind::shield: out.push_back({n.kids[0], s, false}); break;
    case Kind::wait:
    case Kind::as_completed:
      for (auto* k : n.kids) out.push_back({k, s, false});
      break;
    case Kind::lock:
    case Kind::semaphore: {
      auto st = pool_starts(n, s, n.kind == Kind::lock ? 1 : n.permits);
      for (std::size_t i = 0; i < n.kids.size(); ++i) out.push_back({n.kids[i], st[i], true});
      break;
    }
    case Kind::event:
      for (auto* k : n.kids) out.push_back({k, s + n.delay, true});
      break;
    default:
      for (auto* k : n.kids) out.push_back({k, s, true});
  }
  return out;
}

// Outcome of a gather without return_exceptions over kids' expectations.
Exp gather_of(const std::vector<Exp>& es, i64 s) {
  Exp r;
  r.t = s;
  const Exp* first = nullptr;
  for (auto& e : es) {
    r.exact &= e.exact;
    if (!e.out.ok && (!first || e.t < first->t)) first = &e;
  }
  if (first) {
    for (auto& e : es)
      if (&e != first && !e.out.ok && std::llabs(e.t - first->t) <= kTol && !(e.out == first->out)) r.exact = false;
    r.out = first->out;
    r.t = first->t;
    return r;
  }
  i64 h = 17;
  for (auto& e : es) {
    h = mix(h, e.out.value);
    r.t = std::max(r.t, e.t);
  }
  r.out = Outcome::val(h);
  return r;
}

Exp gather_re_of(const std::vector<Exp>& es, i64 s) {
  Exp r;
  r.t = s;
  i64 h = 19;
  for (auto& e : es) {
    r.exact &= e.exact;
    h = mix(h, e.out.hash());
    r.t = std::max(r.t, e.t);
  }
  r.out = Outcome::val(h);
  return r;
}

// Whether cancelling n (started at s) at c is predictable: no event of its attached subtree at c and
// no stubborn cleanup in it.
bool cut_clean(const Node& n, i64 s, i64 c) {
  Exp e = nat(n, s);
  if (e.t < c - kTol) return true;
  if (e.t <= c + kTol) return false;
  if (!e.exact || n.kind == Kind::stubborn) return false;
  for (auto& k : kid_starts(n, s)) {
    if (!k.attached) continue;
    if (std::llabs(k.start - c) <= kTol) return false;
    if (k.start < c && !cut_clean(*k.kid, k.start, c)) return false;
  }
  return true;
}

// The wait node's release time and done set.
struct WaitModel {
  i64 tr = 0;
  std::vector<bool> done;
  bool exact = true;
};
WaitModel wait_model(const Node& n, const std::vector<Exp>& es, i64 s) {
  WaitModel w;
  i64 tmax = s, tmin = kInf, tfail = kInf;
  for (auto& e : es) {
    w.exact &= e.exact;
    tmax = std::max(tmax, e.t);
    tmin = std::min(tmin, e.t);
    if (!e.out.ok) tfail = std::min(tfail, e.t);
  }
  i64 tr = tmax;
  if (n.when == aio::FIRST_COMPLETED) tr = tmin;
  if (n.when == aio::FIRST_EXCEPTION) tr = std::min(tfail, tmax);
  // Released only once every task is done (no early trigger whose timing could race with others).
  bool all = n.when == aio::ALL_COMPLETED || (n.when == aio::FIRST_EXCEPTION && tfail == kInf);
  if (n.timeout && deadline(n, s) < tr) {
    tr = deadline(n, s);
    all = false;
    for (auto& e : es)
      if (std::llabs(e.t - tr) <= kTol) w.exact = false;
  } else if (n.timeout && std::llabs(deadline(n, s) - tr) <= kTol) {
    w.exact = false;
  }
  if (!all) {
    // The trigger is the only event allowed at tr.
    int at = 0;
    for (auto& e : es)
      if (std::llabs(e.t - tr) <= kTol) ++at;
    if (at > 1) w.exact = false;
  }
  w.tr = tr;
  for (auto& e : es) w.done.push_back(e.t <= tr + kTol);
  return w;
}

Exp nat(const Node& n, i64 s) {
  Exp r;
  r.t = s;
  auto kids_at = [&](i64 st) {
    std::vector<Exp> es;
    for (auto* k : n.kids) es.push_back(nat(*k, st));
    return es;
  };
  switch (n.kind) {
    case Kind::leaf:
      r.t = s + n.delay;
      r.out = n.fail ? Outcome::err("E" + std::to_string(n.id)) : Outcome::val(n.value);
      return r;
    case Kind::stubborn:
      r.t = s + n.delay;
      r.out = Outcome::val(n.value);
      return r;
    case Kind::seq: {
      i64 h = 23;
      for (auto* k : n.kids) {
        Exp e = nat(*k, r.t);
        r.exact &= e.exact;
        r.t = e.t;
        if (!e.out.ok) {
          r.out = e.out;
          return r;
        }
        h = mix(h, e.out.value);
      }
      r.out = Outcome::val(h);
      return r;
    }
    case Kind::spawn:
    case Kind::shield: return nat(*n.kids[0], s);
    case Kind::gather:
    case Kind::pair: return gather_of(kids_at(s), s);
    case Kind::gather_re:
    case Kind::pair_re: return gather_re_of(kids_at(s), s);
    case Kind::wait: {
      if (n.kids.empty()) {
        r.out = Outcome::err("ValueError");
        return r;
      }
      auto es = kids_at(s);
      WaitModel w = wait_model(n, es, s);
      i64 h = 29;
      for (std::size_t i = 0; i < es.size(); ++i)
        if (w.done[i]) h = mix(mix(h, static_cast<i64>(i)), es[i].out.hash());
      r.out = Outcome::val(h);
      r.t = w.tr;
      r.exact = w.exact;
      return r;
    }
    case Kind::as_completed: {
      auto es = kids_at(s);
      std::vector<const Exp*> order;
      for (auto& e : es) {
        r.exact &= e.exact;
        order.push_back(&e);
      }
      std::stable_sort(order.begin(), order.end(), [](const Exp* a, const Exp* b) { return a->t < b->t; });
      i64 dl = n.timeout ? deadline(n, s) : kInf;
      i64 h = 31;
      std::size_t i = 0;
      for (; i < order.size() && order[i]->t < dl; ++i) {
        if (std::llabs(order[i]->t - dl) <= kTol) r.exact = false;
        if (i > 0 && std::llabs(order[i]->t - order[i - 1]->t) <= kTol && !(order[i]->out == order[i - 1]->out))
          r.exact = false;
        // A child's own TimeoutError looks like the iteration's deadline: both hash as "T".
        const Outcome& o = order[i]->out;
        h = mix(h, o.ok ? o.value : hash_str(o.error == "Timeout" ? "T" : o.error));
        r.t = std::max(r.t, order[i]->t);
      }
      if (i < order.size()) {
        if (std::llabs(order[i]->t - dl) <= kTol) r.exact = false;
        for (; i < order.size(); ++i) h = mix(h, hash_str("T"));
        r.t = dl;
      }
      r.out = Outcome::val(h);
      return r;
    }
    case Kind::group: {
      auto es = kids_at(s);
      const Exp* first = nullptr;
      for (auto& e : es) {
        r.exact &= e.exact;
        if (!e.out.ok && (!first || e.t < first->t)) first = &e;
      }
      if (!first) {
        i64 h = 37;
        for (auto& e : es) {
          h = mix(h, e.out.value);
          r.t = std::max(r.t, e.t);
        }
        r.out = Outcome::val(h);
        return r;
      }
      i64 tf = first->t;
      for (auto& e : es)
        if (&e != first && std::llabs(e.t - tf) <= kTol) r.exact = false;
      for (auto* k : n.kids)
        if (nat(*k, s).t > tf + kTol && !cut_clean(*k, s, tf)) r.exact = false;
      r.out = Outcome::err("Group[" + first->out.error + "]");
      r.t = tf;
      return r;
    }
    case Kind::wait_for: {
      if (!n.timeout) return nat(*n.kids[0], s);
      if (*n.timeout <= 0) {
        r.out = Outcome::err("Timeout");
        return r;
      }
      [[fallthrough]];
    }
    case Kind::timeout: {
      Exp e = nat(*n.kids[0], s);
      if (!n.timeout) return e;
      i64 dl = deadline(n, s);
      if (e.t < dl - kTol) return e;
      r.exact = e.t > dl + kTol && cut_clean(*n.kids[0], s, dl);
      r.out = Outcome::err("Timeout");
      r.t = dl;
      return r;
    }
    case Kind::lock:
    case Kind::semaphore: {
      std::vector<Exp> es;
      for (auto& k : kid_starts(n, s)) es.push_back(nat(*k.kid, k.start));
      return gather_of(es, s);
    }
    case Kind::event: {
      std::vector<Exp> es;
      Exp setter;
      setter.out = Outcome::val(0);
      setter.t = s + n.delay;
      es.push_back(setter);
      for (auto* k : n.kids) es.push_back(nat(*k, s + n.delay));
      return gather_of(es, s);
    }
    case Kind::pipeline: {
      std::size_t items = n.produce.size();
      std::vector<i64> P(items), G(items), C(items);
      i64 h = 41;
      for (std::size_t i = 0; i < items; ++i) {
        i64 ready = (i == 0 ? s : P[i - 1]) + n.produce[i];
        if (n.maxsize > 0 && i >= static_cast<std::size_t>(n.maxsize))
          ready = std::max(ready, G[i - static_cast<std::size_t>(n.maxsize)]);
        P[i] = ready;
        G[i] = std::max(i == 0 ? s : C[i - 1], P[i]);
        C[i] = G[i] + n.consume[i];
        h = mix(h, n.value + static_cast<i64>(i));
      }
      // producer: puts, then join(); consumer: gets, processes, task_done().
      r.t = items ? C[items - 1] : s;
      r.out = Outcome::val(mix(0, h));
      return r;
    }
    case Kind::workers: {
      // Items put at P_i; each goes to the worker free first (which one does not change any time).
      std::vector<i64> free(static_cast<std::size_t>(n.permits), s);
      i64 put = s, sum = 0;
      for (std::size_t i = 0; i < n.produce.size(); ++i) {
        put += n.produce[i];
        auto w = std::min_element(free.begin(), free.end());
        *w = std::max(put, *w) + n.consume[i];
        sum += n.value + static_cast<i64>(i);
      }
      r.t = std::max(put, *std::max_element(free.begin(), free.end()));
      r.out = Outcome::val(sum);
      return r;
    }
  }
  return r;
}

// Fills S->expect for the subtree of n, started at s, cancelled from outside at c (kInf: never).
void mark_unknown(const Node& n) {
  S->expect[static_cast<std::size_t>(n.id)].known = false;
  for (auto* k : n.kids) mark_unknown(*k);
}

void assign(const Node& n, i64 s, i64 c) {
  Expect& x = S->expect[static_cast<std::size_t>(n.id)];
  if (s > c + kTol) return;  // cancelled before it starts
  if (s >= c - kTol) {
    mark_unknown(n);
    return;
  }
  x.started = true;
  Exp e = nat(n, s);
  if (e.t < c - kTol) {
    x.known = e.exact;
    x.out = e.out;
    x.t = e.t;
    if (!e.exact) {
      for (auto* k : n.kids) mark_unknown(*k);
      return;
    }
    // Cancellations the node itself causes, per kid (the kid that triggers one is not cut by it).
    auto starts = kid_starts(n, s);
    std::vector<i64> cut(starts.size(), kInf);
    switch (n.kind) {
      case Kind::wait_for:
      case Kind::timeout:
        if (n.timeout) std::fill(cut.begin(), cut.end(), deadline(n, s));
        break;
      case Kind::group:
        if (!e.out.ok) {
          bool trigger_seen = false;
          for (std::size_t i = 0; i < starts.size(); ++i) {
            Exp k = nat(*starts[i].kid, starts[i].start);
            if (!trigger_seen && !k.out.ok && k.t == e.t) trigger_seen = true;  // the first failure
            else cut[i] = e.t;
          }
        }
        break;
      case Kind::wait:
        if (n.cancel_pending) {
          std::vector<Exp> es;
          for (auto& k : starts) es.push_back(nat(*k.kid, k.start));
          WaitModel w = wait_model(n, es, s);
          for (std::size_t i = 0; i < starts.size(); ++i)
            if (!w.done[i]) cut[i] = w.tr;
        }
        break;
      default: break;
    }
    for (std::size_t i = 0; i < starts.size(); ++i) assign(*starts[i].kid, starts[i].start, cut[i]);
    return;
  }
  if (e.t <= c + kTol || !cut_clean(n, s, c)) {
    x.known = false;
    for (auto* k : n.kids) mark_unknown(*k);
    return;
  }
  // Cancelled at c: the node raises CancelledError; attached kids are cancelled too.
  x.known = true;
  x.out = Outcome::err("Cancelled");
  x.t = c;
  for (auto& k : kid_starts(n, s)) {
    if (!k.attached) {
      assign(*k.kid, k.start, kInf);
    } else if (k.start < c - kTol) {
      assign(*k.kid, k.start, c);
    } else if (k.start <= c + kTol) {
      mark_unknown(*k.kid);
    }  // else: never started
  }
}

// ---------------------------------------------------------------------------------------------------
// Execution.
aio::Coro<i64> run(const Node* n, Frame = {});

void register_task(aio::Task<i64> t, int node) {
  S->tasks.push_back(TaskRec{t, node, 0});
  std::size_t idx = S->tasks.size() - 1;
  Scenario* sc = S;
  t.add_done_callback([idx, sc](const aio::Task<i64>& self) {
    if (sc != S) {
      std::fprintf(stderr, "aio_stress: a done callback of an earlier scenario ran\n");
      std::abort();
    }
    TaskRec& tr = sc->tasks[idx];
    if (++tr.callbacks > 1) sc->fail("task #" + std::to_string(idx) + ": done callback ran twice");
    if (!self.done()) sc->fail("task #" + std::to_string(idx) + ": done callback ran before the task was done");
  });
}

aio::Task<i64> spawn(const Node* n) {
  aio::Task<i64> t = aio::create_task(run(n));
  register_task(t, n->id);
  return t;
}

void check_running() {
  if (aio::current_task().done()) S->fail("a coroutine ran inside a task that is already done");
}

aio::Coro<i64> leaf(const Node* n, Frame = {}) {
  Body b;
  if (n->delay > 0 || n->yield0) co_await aio::sleep(secs(n->delay));
  check_running();
  if (n->fail) throw LeafError(n->id);
  co_return n->value;
}

aio::Coro<i64> stubborn(const Node* n, Frame = {}) {
  Body b;
  bool cancelled = false;
  try {
    co_await aio::sleep(secs(n->delay));
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    if (n->cleanup) co_await aio::sleep(secs(n->cleanup));
    if (n->fail) co_return -n->value;  // swallows the cancellation
    throw aio::CancelledError("stubborn");
  }
  co_return n->value;
}

aio::Coro<i64> seq(const Node* n, Frame = {}) {
  Body b;
  i64 h = 23;
  for (auto* k : n->kids) h = mix(h, co_await run(k));
  co_return h;
}

aio::Coro<i64> spawn_node(const Node* n, Frame = {}) {
  Body b;
  aio::Task<i64> t = spawn(n->kids[0]);
  co_return co_await t;
}

// The tasks or coroutines of a node's kids.
std::vector<aio::Task<i64>> spawn_kids(const Node* n) {
  std::vector<aio::Task<i64>> ts;
  for (auto* k : n->kids) ts.push_back(spawn(k));
  return ts;
}
std::vector<aio::Coro<i64>> coro_kids(const Node* n) {
  std::vector<aio::Coro<i64>> cs;
  for (auto* k : n->kids) cs.push_back(run(k));
  return cs;
}

aio::Coro<i64> gather_node(const Node* n, Frame = {}) {
  Body b;
  std::vector<i64> vals;
  if (n->as_tasks) {
    auto ts = spawn_kids(n);
    vals = co_await aio::gather(ts);
  } else {
    vals = co_await aio::gather(coro_kids(n));
  }
  check_running();
  i64 h = 17;
  for (i64 v : vals) h = mix(h, v);
  co_return h;
}

template <class O>
i64 outcome_hash(const aio::Outcome<O>& o) {
  return o.ok() ? o.value() : hash_str(describe(o.exception()));
}

aio::Coro<i64> gather_re_node(const Node* n, Frame = {}) {
  Body b;
  std::vector<aio::Outcome<i64>> outs;
  if (n->as_tasks) {
    auto ts = spawn_kids(n);
    outs = co_await aio::gather(ts, aio::return_exceptions);
  } else {
    outs = co_await aio::gather(coro_kids(n), aio::return_exceptions);
  }
  check_running();
  i64 h = 19;
  for (auto& o : outs) h = mix(h, outcome_hash(o));
  co_return h;
}

aio::Coro<i64> pair_node(const Node* n, Frame = {}) {
  Body b;
  i64 h = 17;
  if (n->as_tasks) {
    auto [a, c] = co_await aio::gather(spawn(n->kids[0]), spawn(n->kids[1]));
    h = mix(mix(h, a), c);
  } else {
    auto [a, c] = co_await aio::gather(run(n->kids[0]), run(n->kids[1]));
    h = mix(mix(h, a), c);
  }
  co_return h;
}

aio::Coro<i64> pair_re_node(const Node* n, Frame = {}) {
  Body b;
  i64 h = 19;
  if (n->as_tasks) {
    auto [a, c] = co_await aio::gather(aio::return_exceptions, spawn(n->kids[0]), spawn(n->kids[1]));
    h = mix(mix(h, outcome_hash(a)), outcome_hash(c));
  } else {
    auto [a, c] = co_await aio::gather(aio::return_exceptions, run(n->kids[0]), run(n->kids[1]));
    h = mix(mix(h, outcome_hash(a)), outcome_hash(c));
  }
  co_return h;
}

i64 task_hash(const aio::Task<i64>& t) {
  try {
    return t.result();
  } catch (...) {
    return hash_str(describe(std::current_exception()));
  }
}

aio::Coro<i64> wait_node(const Node* n, Frame = {}) {
  Body b;
  auto ts = spawn_kids(n);
  auto r = co_await aio::wait(ts, n->when, secs(n->timeout));
  check_running();
  // done and pending partition the tasks, each in the given order.
  std::size_t di = 0, pi = 0;
  i64 h = 29;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (di < r.done.size() && r.done[di] == ts[i]) {
      if (!ts[i].done()) S->fail("wait: a task in done is not done");
      h = mix(mix(h, static_cast<i64>(i)), task_hash(ts[i]));
      ++di;
    } else if (pi < r.pending.size() && r.pending[pi] == ts[i]) {
      if (ts[i].done()) S->fail("wait: a task in pending is done");
      ++pi;
    } else {
      S->fail("wait: done/pending do not partition the tasks in order");
    }
  }
  if (di != r.done.size() || pi != r.pending.size()) S->fail("wait: done/pending hold tasks it was not given");
  if (n->cancel_pending)
    for (auto& t : r.pending) t.cancel();
  co_return h;
}

aio::Coro<i64> as_completed_node(const Node* n, Frame = {}) {
  Body b;
  i64 h = 31;
  std::size_t count = 0;
  auto step = [&](std::exception_ptr e) {
    if (aio::is_cancellation(e)) std::rethrow_exception(e);
    std::string d = describe(e);
    h = mix(h, hash_str(d == "Timeout" ? "T" : d));
  };
  if (n->as_tasks) {
    for (auto next : aio::as_completed(spawn_kids(n), secs(n->timeout))) {
      ++count;
      std::exception_ptr e;
      try {
        h = mix(h, co_await next);
      } catch (...) {
        e = std::current_exception();
      }
      if (e) step(e);
    }
  } else {
    for (auto next : aio::as_completed(coro_kids(n), secs(n->timeout))) {
      ++count;
      std::exception_ptr e;
      try {
        h = mix(h, co_await next);
      } catch (...) {
        e = std::current_exception();
      }
      if (e) step(e);
    }
  }
  if (count != n->kids.size()) S->fail("as_completed: iterated " + std::to_string(count) + " times");
  co_return h;
}

aio::Coro<i64> group_node(const Node* n, Frame = {}) {
  Body b;
  std::vector<aio::Task<i64>> ts;
  i64 body_value = 0;
  std::size_t in_tasks = n->kids.size() - (n->body_child ? 1 : 0);
  co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
    for (std::size_t i = 0; i < in_tasks; ++i) {
      ts.push_back(tg.create_task(run(n->kids[i])));
      register_task(ts.back(), n->kids[i]->id);
    }
    if (n->body_child) body_value = co_await run(n->kids.back());
  });
  check_running();
  i64 h = 37;
  for (auto& t : ts) {
    if (!t.done()) S->fail("task_group: a child is still running after the group");
    h = mix(h, t.result());
  }
  if (n->body_child) h = mix(h, body_value);
  co_return h;
}

aio::Coro<i64> wait_for_node(const Node* n, Frame = {}) {
  Body b;
  if (n->as_tasks) co_return co_await aio::wait_for(spawn(n->kids[0]), secs(n->timeout));
  co_return co_await aio::wait_for(run(n->kids[0]), secs(n->timeout));
}

aio::Coro<i64> timeout_node(const Node* n, Frame = {}) {
  Body b;
  co_return co_await aio::timeout(secs(n->timeout), run(n->kids[0]));
}

aio::Coro<i64> shield_node(const Node* n, Frame = {}) {
  Body b;
  if (n->as_tasks) co_return co_await aio::shield(spawn(n->kids[0]));
  co_return co_await aio::shield(run(n->kids[0]));
}

template <class Primitive>
aio::Coro<i64> holding(std::shared_ptr<Primitive> p, const Node* kid, bool manual, Frame = {}) {
  Body b;
  if (manual) {
    co_await p->acquire();
    std::exception_ptr e;
    i64 v = 0;
    try {
      v = co_await run(kid);
    } catch (...) {
      e = std::current_exception();
    }
    p->release();
    if (e) std::rethrow_exception(e);
    co_return v;
  }
  auto held = co_await p->hold();
  co_return co_await run(kid);
}

template <class Primitive>
aio::Coro<i64> pool_node(const Node* n, std::shared_ptr<Primitive> p, Frame = {}) {
  Body b;
  std::vector<aio::Task<i64>> ts;
  for (auto* k : n->kids) {
    ts.push_back(aio::create_task(holding(p, k, n->manual)));
    register_task(ts.back(), -1);
  }
  auto vals = co_await aio::gather(ts);
  i64 h = 17;
  for (i64 v : vals) h = mix(h, v);
  co_return h;
}

aio::Coro<i64> event_setter(std::shared_ptr<aio::Event> ev, i64 delay, Frame = {}) {
  Body b;
  co_await aio::sleep(secs(delay));
  ev->set();
  co_return 0;
}

aio::Coro<i64> event_waiter(std::shared_ptr<aio::Event> ev, const Node* kid, Frame = {}) {
  Body b;
  bool was = co_await ev->wait();
  if (!was) S->fail("Event.wait returned false");
  co_return co_await run(kid);
}

aio::Coro<i64> event_node(const Node* n, Frame = {}) {
  Body b;
  auto ev = std::make_shared<aio::Event>();
  std::vector<aio::Task<i64>> ts;
  ts.push_back(aio::create_task(event_setter(ev, n->delay)));  // not registered: never cancelled at random
  for (auto* k : n->kids) {
    ts.push_back(aio::create_task(event_waiter(ev, k)));
    register_task(ts.back(), -1);
  }
  auto vals = co_await aio::gather(ts);
  i64 h = 17;
  for (i64 v : vals) h = mix(h, v);
  co_return h;
}

aio::Coro<i64> producer(const Node* n, std::shared_ptr<aio::Queue<i64>> q, Frame = {}) {
  Body b;
  for (std::size_t i = 0; i < n->produce.size(); ++i) {
    co_await aio::sleep(secs(n->produce[i]));
    co_await q->put(n->value + static_cast<i64>(i));
  }
  co_await q->join();
  co_return 0;
}

aio::Coro<i64> consumer(const Node* n, std::shared_ptr<aio::Queue<i64>> q, Frame = {}) {
  Body b;
  i64 h = 41;
  for (std::size_t i = 0; i < n->consume.size(); ++i) {
    i64 x = co_await q->get();
    co_await aio::sleep(secs(n->consume[i]));
    h = mix(h, x);
    q->task_done();
  }
  co_return h;
}

aio::Coro<i64> pipeline_node(const Node* n, Frame = {}) {
  Body b;
  auto q = std::make_shared<aio::Queue<i64>>(static_cast<std::size_t>(n->maxsize));
  auto [p, c] = co_await aio::gather(producer(n, q), consumer(n, q));
  if (!q->empty()) S->fail("pipeline: items left in the queue");
  co_return mix(p, c);
}

// workers: a producer puts items (then one -1 per worker) into an unbounded queue; workers take them
// in turn. Several getters wait at once, so a cancelled one must hand its wake-up on.
aio::Coro<i64> feeder(const Node* n, std::shared_ptr<aio::Queue<i64>> q, Frame = {}) {
  Body b;
  for (std::size_t i = 0; i < n->produce.size(); ++i) {
    co_await aio::sleep(secs(n->produce[i]));
    q->put_nowait(static_cast<i64>(i));
  }
  for (int w = 0; w < n->permits; ++w) co_await q->put(-1);
  co_return 0;
}

aio::Coro<i64> worker(const Node* n, std::shared_ptr<aio::Queue<i64>> q, Frame = {}) {
  Body b;
  i64 sum = 0;
  for (;;) {
    i64 i = co_await q->get();
    if (i < 0) break;
    co_await aio::sleep(secs(n->consume[static_cast<std::size_t>(i)]));
    sum += n->value + i;
    q->task_done();
  }
  co_return sum;
}

aio::Coro<i64> workers_node(const Node* n, Frame = {}) {
  Body b;
  auto q = std::make_shared<aio::Queue<i64>>();
  std::vector<aio::Task<i64>> ts;
  ts.push_back(aio::create_task(feeder(n, q)));  // not registered: never cancelled at random
  for (int w = 0; w < n->permits; ++w) {
    ts.push_back(aio::create_task(worker(n, q)));
    register_task(ts.back(), -1);
  }
  auto vals = co_await aio::gather(ts);
  i64 sum = 0;
  for (std::size_t i = 1; i < vals.size(); ++i) sum += vals[i];
  if (!q->empty()) S->fail("workers: items left in the queue");
  co_return sum;
}

aio::Coro<i64> dispatch(const Node* n) {
  switch (n->kind) {
    case Kind::leaf: return leaf(n);
    case Kind::stubborn: return stubborn(n);
    case Kind::seq: return seq(n);
    case Kind::spawn: return spawn_node(n);
    case Kind::gather: return gather_node(n);
    case Kind::gather_re: return gather_re_node(n);
    case Kind::pair: return pair_node(n);
    case Kind::pair_re: return pair_re_node(n);
    case Kind::wait: return wait_node(n);
    case Kind::as_completed: return as_completed_node(n);
    case Kind::group: return group_node(n);
    case Kind::wait_for: return wait_for_node(n);
    case Kind::timeout: return timeout_node(n);
    case Kind::shield: return shield_node(n);
    case Kind::lock: return pool_node(n, std::make_shared<aio::Lock>());
    case Kind::semaphore:
      if (n->bounded) return pool_node<aio::Semaphore>(n, std::make_shared<aio::BoundedSemaphore>(n->permits));
      return pool_node(n, std::make_shared<aio::Semaphore>(n->permits));
    case Kind::event: return event_node(n);
    case Kind::pipeline: return pipeline_node(n);
    case Kind::workers: return workers_node(n);
  }
  return leaf(n);
}

aio::Coro<i64> run(const Node* n, Frame) {
  Body b;
  Rec& r = S->recs[static_cast<std::size_t>(n->id)];
  if (++r.started > 1) S->fail("node " + std::to_string(n->id) + " started twice");
  r.t_start = now_ns();
  check_running();
  std::exception_ptr e;
  i64 v = 0;
  try {
    v = co_await dispatch(n);
  } catch (...) {
    e = std::current_exception();
  }
  ++r.ended;
  r.t_end = now_ns();
  r.out = e ? Outcome::err(describe(e)) : Outcome::val(v);
  if (e) std::rethrow_exception(e);
  co_return v;
}

// Cancels random registered tasks at random times (on half-quarter microseconds: no ties with the tree).
// Half of the cancels land exactly on the tree's own event times, a few loop turns after them, where a
// task may be woken and not yet run: the races cancellation handling must get right.
aio::Coro<> canceller(int count, Frame = {}) {
  Body b;
  for (int i = 0; i < count; ++i) {
    i64 at = S->rng.range(0, S->horizon / kUs / 8) * kUs + kUs / 4;
    if (!S->event_times.empty() && S->rng.chance(0.5))
      at = S->event_times[static_cast<std::size_t>(S->rng.below(static_cast<int>(S->event_times.size())))];
    i64 now = now_ns();
    if (at > now) co_await aio::sleep(secs(at - now));
    for (int hops = S->rng.below(4); hops > 0; --hops) co_await aio::sleep(0);
    if (S->tasks.empty()) continue;
    int burst = S->rng.chance(0.2) ? 3 : 1;
    for (int k = 0; k < burst; ++k) {
      auto& tr = S->tasks[static_cast<std::size_t>(S->rng.below(static_cast<int>(S->tasks.size())))];
      if (tr.task.cancel(S->rng.chance(0.5) ? "random" : "")) ++S->cancels_done;
      if (S->rng.chance(0.1)) tr.task.cancel("again");
    }
  }
}

void collect_times(const Node& n, i64 s) {
  S->event_times.push_back(s);
  S->event_times.push_back(nat(n, s).t);
  for (auto& k : kid_starts(n, s)) collect_times(*k.kid, k.start);
}

aio::Coro<i64> main_coro(Frame = {}) {
  Body b;
  aio::Task<> cancels;
  if (S->cancels) cancels = aio::create_task(canceller(static_cast<int>(S->rng.range(1, 6))));
  aio::Task<i64> root = spawn(S->root);
  i64 v = 0;
  try {
    v = co_await root;
  } catch (...) {
  }
  // Drain: everything the tree started ends by the horizon.
  co_await aio::sleep(secs(S->horizon));
  if (cancels.valid()) co_await cancels;
  for (auto& t : S->tasks)
    if (!t.task.done()) {
      S->fail("task of node " + std::to_string(t.node) + " still pending at the horizon");
      t.task.cancel();
    }
  if (aio::EventLoop::current().task_count() > 1)
    S->fail(std::to_string(aio::EventLoop::current().task_count() - 1) + " tasks still unfinished at the horizon");
  co_return v;
}

i64 horizon_of(const Node& n) {
  i64 h = n.delay + n.cleanup + (n.timeout && *n.timeout != kHuge ? std::max<i64>(0, *n.timeout) : 0);
  for (i64 d : n.produce) h += d;
  for (i64 d : n.consume) h += d;
  for (auto* k : n.kids) h += horizon_of(*k);
  return h;
}

// ---------------------------------------------------------------------------------------------------
// Reporting.
void print_tree(const Node& n, int depth) {
  std::printf("%*s#%d %s", depth * 2, "", n.id, kind_name(n.kind));
  if (n.kind == Kind::leaf || n.kind == Kind::stubborn)
    std::printf(" delay=%lldus %s=%lld%s%s", static_cast<long long>(n.delay / kUs), n.fail ? "fail" : "value",
                static_cast<long long>(n.value), n.kind == Kind::stubborn ? " cleanup=" : "",
                n.kind == Kind::stubborn ? std::to_string(n.cleanup / kUs).c_str() : "");
  if (n.timeout && *n.timeout == kHuge) std::printf(" timeout=1e10s");
  else if (n.timeout) std::printf(" timeout=%.1fus", static_cast<double>(*n.timeout) / kUs);
  if (n.kind == Kind::wait)
    std::printf(" when=%s%s", n.when == aio::FIRST_COMPLETED ? "FIRST_COMPLETED" : n.when == aio::FIRST_EXCEPTION ? "FIRST_EXCEPTION" : "ALL_COMPLETED",
                n.cancel_pending ? " cancel_pending" : "");
  if (n.kind == Kind::event) std::printf(" set_at=%lldus", static_cast<long long>(n.delay / kUs));
  if (n.kind == Kind::semaphore) std::printf(" permits=%d%s", n.permits, n.bounded ? " bounded" : "");
  if (n.kind == Kind::pipeline) std::printf(" items=%zu maxsize=%d", n.produce.size(), n.maxsize);
  if (n.kind == Kind::workers) std::printf(" items=%zu workers=%d", n.produce.size(), n.permits);
  if (n.kind == Kind::group && n.body_child) std::printf(" (last child in the body)");
  if (n.as_tasks && !n.kids.empty()) std::printf(" [tasks]");
  std::printf("\n");
  for (auto* k : n.kids) print_tree(*k, depth + 1);
}

struct Totals {
  long scenarios = 0, exact = 0, with_cancels = 0, tasks = 0, nodes = 0, checked_nodes = 0, cancels = 0;
  long failed = 0;
};

const char* g_argv0 = "aio_stress";
bool g_leftovers_flag = false, g_huge_flag = false;
volatile u64 g_current_seed = 0;

// A sanitizer report ends the process: say which seed it was.
[[maybe_unused]] void on_sanitizer_death() {
  std::fflush(stdout);
  std::fprintf(stderr, "aio_stress: the sanitizer report above came from seed %llu\n  reproduce: %s --seed %llu --verbose%s%s\n",
               static_cast<unsigned long long>(g_current_seed), g_argv0, static_cast<unsigned long long>(g_current_seed),
               g_leftovers_flag ? " --leftovers" : "", g_huge_flag ? "" : " --no-huge-timeouts");
}

void on_alarm(int) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf,
                        "aio_stress: seed %llu hangs (wall-clock limit)\n  reproduce: %s --seed %llu --verbose\n",
                        static_cast<unsigned long long>(g_current_seed), g_argv0,
                        static_cast<unsigned long long>(g_current_seed));
  if (n > 0) (void)!write(2, buf, static_cast<std::size_t>(n));
  _exit(3);
}

bool g_huge = true;  // timeouts of 1e10 s among the others (--no-huge-timeouts: none)

bool run_scenario(u64 seed, bool verbose, bool allow_leftovers, Totals& tot) {
  Scenario sc;
  S = &sc;
  sc.seed = seed;
  sc.rng.s = seed * 0x2545f4914f6cdd1dULL + 7;
  sc.cancels = sc.rng.chance(0.3);
  sc.leftovers = allow_leftovers && sc.rng.chance(0.3);
  Gen gen{sc, static_cast<int>(sc.rng.range(3, 28))};
  gen.huge = g_huge;
  sc.root = gen.node(0);
  sc.horizon = horizon_of(*sc.root) + 1000000;
  sc.recs.assign(sc.nodes.size(), Rec{});
  sc.expect.assign(sc.nodes.size(), Expect{});
  if (sc.cancels) {
    collect_times(*sc.root, 0);
  } else {
    assign(*sc.root, 0, kInf);
    sc.model_exact = sc.expect[static_cast<std::size_t>(sc.root->id)].known;
  }
  if (verbose) {
    std::printf("seed %llu: %zu nodes, %s%s, horizon %.3f s\n", static_cast<unsigned long long>(seed), sc.nodes.size(),
                sc.cancels ? "random cancellations" : "no random cancellation",
                sc.leftovers ? ", root is aio::run's main" : "", secs(sc.horizon));
    print_tree(*sc.root, 1);
  }

  long frames0 = g_frames, bodies0 = g_bodies;
  std::optional<Outcome> main_out;
  {
    aio::RunOptions o;
    o.clock = aio::ClockKind::virtual_time;
    o.output = [](std::string_view, double) {};
    try {
      if (sc.leftovers) {
        // The root is the main task: aio::run cancels whatever it leaves behind.
        auto main = [](Frame = {}) -> aio::Coro<i64> {
          Body b;
          co_return co_await spawn(S->root);
        };
        main_out = Outcome::val(aio::run(main(), o));
      } else {
        aio::run(main_coro(), o);
      }
    } catch (...) {
      std::string d = describe(std::current_exception());
      if (sc.leftovers) main_out = Outcome::err(d);
      else sc.fail("aio::run threw: " + d);
    }
  }

  // Structural invariants.
  for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
    TaskRec& t = sc.tasks[i];
    std::string who = "task #" + std::to_string(i) + (t.node >= 0 ? " (node " + std::to_string(t.node) + ")" : "");
    if (!t.task.done()) {
      sc.fail(who + ": not done after aio::run");
      continue;
    }
    if (t.callbacks != 1) sc.fail(who + ": done callback ran " + std::to_string(t.callbacks) + " times");
    if (t.node < 0) continue;
    const Rec& r = sc.recs[static_cast<std::size_t>(t.node)];
    Outcome state = t.task.cancelled() ? Outcome::err("Cancelled")
                    : t.task.exception() ? Outcome::err(describe(t.task.exception()))
                                         : Outcome::val(t.task.result());
    if (r.started == 0) {
      if (!t.task.cancelled()) sc.fail(who + ": never started, yet " + state.str());
    } else if (!(state == r.out)) {
      sc.fail(who + ": the task ended " + state.str() + " but its coroutine " + r.out.str());
    }
  }
  for (std::size_t i = 0; i < sc.recs.size(); ++i) {
    const Rec& r = sc.recs[i];
    if (r.started > 1 || r.ended != r.started)
      sc.fail("node " + std::to_string(i) + ": started " + std::to_string(r.started) + " times, ended " +
              std::to_string(r.ended) + " times");
    if (r.t_end > sc.horizon) sc.fail("node " + std::to_string(i) + " ended after the horizon");
  }
  // The model.
  long checked = 0;
  if (!sc.cancels) {
    for (std::size_t i = 0; i < sc.nodes.size(); ++i) {
      if (sc.leftovers && i != static_cast<std::size_t>(sc.root->id)) continue;  // cut short at exit
      const Expect& x = sc.expect[i];
      const Rec& r = sc.recs[i];
      if (!x.started) {
        if (r.started && x.known) sc.fail("node " + std::to_string(i) + ": started, the model says it never starts");
        continue;
      }
      if (!x.known) continue;
      ++checked;
      if (!r.started) {
        sc.fail("node " + std::to_string(i) + ": never started, the model expects " + x.out.str());
        continue;
      }
      if (!(r.out == x.out) || std::llabs(r.t_end - x.t) > kTol)
        sc.fail("node " + std::to_string(i) + " (" + kind_name(sc.nodes[i]->kind) + "): ended " + r.out.str() + " at " +
                std::to_string(r.t_end) + " ns, the model expects " + x.out.str() + " at " + std::to_string(x.t) + " ns");
    }
  }
  if (main_out && sc.leftovers) {
    const Rec& r = sc.recs[static_cast<std::size_t>(sc.root->id)];
    if (r.started && !(r.out == *main_out))
      sc.fail("aio::run gave " + main_out->str() + ", the root ended " + r.out.str());
  }
  if (verbose) {
    std::printf("node  started ended  outcome @ end (ns)            model\n");
    for (std::size_t i = 0; i < sc.nodes.size(); ++i) {
      const Rec& r = sc.recs[i];
      const Expect& x = sc.expect[i];
      std::string model = sc.cancels ? "-" : !x.started ? "not started" : !x.known ? "(unchecked)" : x.out.str() + " @ " + std::to_string(x.t);
      std::printf("#%-4zu %d       %d      %-28s  %s\n", i, r.started, r.ended,
                  r.started ? (r.out.str() + " @ " + std::to_string(r.t_end)).c_str() : "-", model.c_str());
    }
  }

  tot.tasks += static_cast<long>(sc.tasks.size());
  sc.tasks.clear();  // the handles: frames go now
  if (g_frames != frames0) sc.fail(std::to_string(g_frames - frames0) + " coroutine frames never freed");
  if (g_bodies != bodies0) sc.fail(std::to_string(g_bodies - bodies0) + " coroutine bodies never unwound");
  g_frames = frames0;
  g_bodies = bodies0;

  ++tot.scenarios;
  tot.nodes += static_cast<long>(sc.nodes.size());
  tot.checked_nodes += checked;
  tot.cancels += sc.cancels_done;
  if (sc.cancels) ++tot.with_cancels;
  else if (sc.model_exact) ++tot.exact;
  S = nullptr;
  if (sc.failures.empty()) {
    if (verbose) std::printf("seed %llu: ok (%ld nodes checked against the model)\n", static_cast<unsigned long long>(seed), checked);
    return true;
  }
  ++tot.failed;
  std::printf("FAILED seed %llu:\n", static_cast<unsigned long long>(seed));
  for (auto& f : sc.failures) std::printf("  %s\n", f.c_str());
  std::printf("  reproduce: %s --seed %llu --verbose%s%s\n", g_argv0, static_cast<unsigned long long>(seed),
              allow_leftovers ? " --leftovers" : "", g_huge ? "" : " --no-huge-timeouts");
  std::fflush(stdout);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  g_argv0 = argv[0];
  u64 from = 1, count = 10000;
  bool verbose = false, leftovers = false;
  long max_failures = 20;
  double seconds = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> u64 {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "aio_stress: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (a == "--seeds") count = value();
    else if (a == "--from") from = value();
    else if (a == "--seed") { from = value(); count = 1; }
    else if (a == "--verbose") verbose = true;
    else if (a == "--leftovers") leftovers = true;
    else if (a == "--huge-timeouts") g_huge = true;
    else if (a == "--no-huge-timeouts") g_huge = false;
    else if (a == "--max-failures") max_failures = static_cast<long>(value());
    else if (a == "--seconds") seconds = static_cast<double>(value());
    else {
      std::fprintf(stderr,
                   "usage: aio_stress [--seeds N] [--from S] [--seed S] [--verbose] [--leftovers] [--no-huge-timeouts] [--max-failures K] [--seconds T]\n");
      return 2;
    }
  }
  std::signal(SIGALRM, on_alarm);
  g_leftovers_flag = leftovers;
  g_huge_flag = g_huge;
#if AIO_STRESS_SANITIZED
  __sanitizer_set_death_callback(on_sanitizer_death);
#endif
  Totals tot;
  auto t0 = std::chrono::steady_clock::now();
  u64 last = from + count - 1;
  for (u64 seed = from; seed < from + count; ++seed) {
    if (seconds > 0 && (seed - from) % 64 == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > seconds) {
      last = seed - 1;
      break;
    }
    g_current_seed = seed;
    alarm(30);
    run_scenario(seed, verbose, leftovers, tot);
    if (tot.failed >= max_failures) {
      last = seed;
      std::printf("aio_stress: stopping after %ld failures\n", tot.failed);
      break;
    }
  }
  alarm(0);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "aio_stress: %ld scenarios (seeds %llu..%llu), %ld fully model-checked, %ld with random cancellations "
      "(%ld cancels), %ld nodes (%ld checked against the model), %ld tasks, %ld failed, %.1f s\n",
      tot.scenarios, static_cast<unsigned long long>(from), static_cast<unsigned long long>(last), tot.exact,
      tot.with_cancels, tot.cancels, tot.nodes, tot.checked_nodes, tot.tasks, tot.failed, wall);
  return tot.failed ? 1 : 0;
}
