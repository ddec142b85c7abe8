// aio::task_group against asyncio.TaskGroup (CPython 3.11 is the oracle: expected lines are what the
// equivalent Python program prints on a virtual clock, "<loop.time()> <text>"). CPython cancels the
// other children from a set (no defined order): those lines are compared as a set.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

test::Lines sorted(test::Lines l) {
  std::sort(l.begin(), l.end());
  return l;
}

aio::Coro<std::string> job(std::string name, double delay, bool fail = false) {
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    aio::print("cancelled", name);
    throw;
  }
  if (fail) {
    aio::print("fail", name);
    throw std::runtime_error(name);
  }
  aio::print("done", name);
  co_return name;
}

}  // namespace

TEST_CASE("task_group: results are available after the group", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Task<std::string> a, b;
    co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
      a = tg.create_task(job("a", 1));
      b = tg.create_task(job("b", 2));
      aio::print("body end");
      co_return;
    });
    aio::print("after", a.result(), b.result());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 body end", "1 done a", "2 done b", "2 after a b"});
}

// Python tg.py: c(5), d(1, fails), e(1, fails), f(3); the body sleeps 10.
TEST_CASE("task_group: a child failure cancels the siblings and the body, ExceptionGroup holds every error",
          "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> kids;
    try {
      co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
        kids.push_back(tg.create_task(job("c", 5)));
        kids.push_back(tg.create_task(job("d", 1, true)));
        kids.push_back(tg.create_task(job("e", 1, true)));
        kids.push_back(tg.create_task(job("f", 3)));
        try {
          co_await aio::sleep(10);
        } catch (const aio::CancelledError&) {
          aio::print("body cancelled");
          throw;
        }
        aio::print("body not cancelled");
      });
      FAIL("no ExceptionGroup");
    } catch (const aio::ExceptionGroup& eg) {
      aio::print("EG", eg.what());
      REQUIRE(eg.exceptions().size() == 2);
      CHECK(test::what_of(eg.exceptions()[0]) == "d");
      CHECK(test::what_of(eg.exceptions()[1]) == "e");
      CHECK(eg.message() == "unhandled errors in a TaskGroup");
    }
    CHECK(test::now() == 1);
    CHECK(kids[0].cancelled());
    CHECK(kids[3].cancelled());
    CHECK_FALSE(kids[1].cancelled());
  }(), &printed);
  auto l = test::lines(printed);
  REQUIRE(l.size() == 6);
  CHECK(test::Lines(l.begin(), l.begin() + 2) == test::Lines{"1 fail d", "1 fail e"});
  CHECK(sorted(test::Lines(l.begin() + 2, l.begin() + 4)) == test::Lines{"1 cancelled c", "1 cancelled f"});
  CHECK(test::Lines(l.begin() + 4, l.end()) ==
        test::Lines{"1 body cancelled", "1 EG unhandled errors in a TaskGroup (2 sub-exceptions)"});
}

// Python tg.py: g(5), h(0.5, would fail); the body raises KeyError at 0.25 -> both children cancelled.
TEST_CASE("task_group: an exception escaping the body cancels the children and joins the errors", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
        tg.create_task(job("g", 5));
        tg.create_task(job("h", 0.5, true));
        co_await aio::sleep(0.25);
        throw std::out_of_range("body");
      });
    } catch (const aio::ExceptionGroup& eg) {
      aio::print("EG", eg.what());
      REQUIRE(eg.exceptions().size() == 1);
      CHECK_THROWS_AS(std::rethrow_exception(eg.exceptions()[0]), std::out_of_range);
    }
  }(), &printed);
  auto l = test::lines(printed);
  REQUIRE(l.size() == 3);
  CHECK(sorted(test::Lines(l.begin(), l.begin() + 2)) == test::Lines{"0.25 cancelled g", "0.25 cancelled h"});
  CHECK(l[2] == "0.25 EG unhandled errors in a TaskGroup (1 sub-exception)");
}

// Python tg2.py: a fails at 1, the body is cancelled and raises KeyError('cleanup') -> (a, cleanup).
TEST_CASE("task_group: the body's error comes after the children's errors", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
        tg.create_task(job("a", 1, true));
        try {
          co_await aio::sleep(5);
        } catch (const aio::CancelledError&) {
          aio::print("body cancelled");
        }
        throw std::out_of_range("cleanup");
      });
    } catch (const aio::ExceptionGroup& eg) {
      REQUIRE(eg.exceptions().size() == 2);
      aio::print("EG", test::what_of(eg.exceptions()[0]), test::what_of(eg.exceptions()[1]));
      CHECK_THROWS_AS(std::rethrow_exception(eg.exceptions()[1]), std::out_of_range);
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 fail a", "1 body cancelled", "1 EG a cleanup"});
}

// Python tg.py main2: the parent is cancelled at 0.5 while its body sleeps.
TEST_CASE("task_group: cancelling the parent task cancels the children and re-raises CancelledError",
          "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::task_group([](aio::TaskGroup& tg) -> aio::Coro<> {
          tg.create_task(job("p1", 5));
          tg.create_task(job("p2", 5));
          co_await aio::sleep(1);
          aio::print("not reached");
        });
        aio::print("not reached either");
      } catch (const aio::CancelledError&) {
        aio::print("parent got CancelledError");
        throw;
      }
    }());
    co_await aio::sleep(0.5);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t cancelled", t.cancelled());
    }
  }(), &printed);
  auto l = test::lines(printed);
  REQUIRE(l.size() == 4);
  CHECK(sorted(test::Lines(l.begin(), l.begin() + 2)) == test::Lines{"0.5 cancelled p1", "0.5 cancelled p2"});
  CHECK(test::Lines(l.begin() + 2, l.end()) == test::Lines{"0.5 parent got CancelledError", "0.5 t cancelled True"});
}

// Python tg.py main2 parent2: the parent is cancelled at 1 while waiting at the group's exit.
TEST_CASE("task_group: cancelling the parent while the group waits at its exit propagates CancelledError",
          "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Task<std::string> q1;
    auto t = aio::create_task([](aio::Task<std::string>* q1) -> aio::Coro<> {
      co_await aio::task_group([q1](aio::TaskGroup& tg) -> aio::Coro<> {
        *q1 = tg.create_task(job("q1", 5));
        co_return;
      });
      aio::print("nope");
    }(&q1));
    co_await aio::sleep(1);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t2 cancelled", t.cancelled());
    }
    CHECK(q1.cancelled());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 cancelled q1", "1 t2 cancelled True"});
}

// Python tg2.py: a child that handles its cancellation tries to create a task at 0.5 s into the shutdown.
TEST_CASE("task_group: create_task while shutting down throws std::runtime_error", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& tg) -> aio::Coro<> {
        tg.create_task([](aio::TaskGroup* tg) -> aio::Coro<> {
          try {
            co_await aio::sleep(5);
          } catch (const aio::CancelledError&) {
          }
          co_await aio::sleep(0.5);
          try {
            tg->create_task(job("z", 1));
            aio::print("created");
          } catch (const std::runtime_error& e) {
            aio::print("RE", e.what());
          }
        }(&tg));
        tg.create_task(job("b", 1, true));
        co_return;
      });
    } catch (const aio::ExceptionGroup& eg) {
      aio::print("EG", eg.exceptions().size(), test::what_of(eg.exceptions()[0]));
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 fail b", "1.5 RE TaskGroup is shutting down", "1.5 EG 1 b"});
}

// Python tg2.py: a done callback of the last child runs when the group is finished.
TEST_CASE("task_group: create_task after the group finished throws std::runtime_error", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    co_await aio::task_group([](aio::TaskGroup& tg) -> aio::Coro<> {
      auto last = tg.create_task(job("c", 1));
      aio::TaskGroup* g = &tg;
      last.add_done_callback([g](const aio::Task<std::string>&) {
        try {
          g->create_task(job("w", 1));
          aio::print("created");
        } catch (const std::runtime_error& e) {
          aio::print("RE2", e.what());
        }
      });
      co_return;
    });
    aio::print("end");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 done c", "1 RE2 TaskGroup is finished", "1 end"});
}

TEST_CASE("task_group: the group never leaks children, all are done when it exits", "[task_group]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> kids;
    co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
      for (int i = 0; i < 5; ++i) kids.push_back(tg.create_task(job("k" + std::to_string(i), 0.5 * i)));
      co_return;
    });
    CHECK(test::now() == 2);
    for (auto& k : kids) CHECK(k.done());
    kids.clear();
    try {
      co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
        for (int i = 0; i < 5; ++i) kids.push_back(tg.create_task(job("f" + std::to_string(i), 1 + i, i == 2)));
        co_await aio::sleep(100);
      });
    } catch (const aio::ExceptionGroup&) {
    }
    CHECK(test::now() == 5);
    for (auto& k : kids) CHECK(k.done());
    CHECK(kids[0].result() == "f0");
    CHECK(kids[1].result() == "f1");
    CHECK(kids[3].cancelled());
    CHECK(kids[4].cancelled());
  }());
}

// Python tg.py main3 (nested): i1 done at 1, i2 fails at 2, the outer child o is cancelled; the outer
// group raises an ExceptionGroup holding the inner one.
TEST_CASE("task_group: nested groups", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& outer) -> aio::Coro<> {
        outer.create_task(job("o", 3));
        co_await aio::task_group([](aio::TaskGroup& inner) -> aio::Coro<> {
          inner.create_task(job("i1", 1));
          inner.create_task(job("i2", 2, true));
          co_return;
        });
        aio::print("after inner");
      });
    } catch (const aio::ExceptionGroup& eg) {
      REQUIRE(eg.exceptions().size() == 1);
      try {
        std::rethrow_exception(eg.exceptions()[0]);
      } catch (const aio::ExceptionGroup& in) {
        REQUIRE(in.exceptions().size() == 1);
        aio::print("EGo", eg.what(), "/", in.what(), "/", test::what_of(in.exceptions()[0]));
      }
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 done i1", "2 fail i2", "2 cancelled o",
                                          "2 EGo unhandled errors in a TaskGroup (1 sub-exception) / unhandled errors in a "
                                          "TaskGroup (1 sub-exception) / i2"});
}

TEST_CASE("task_group: nested groups without errors both wait for their children", "[task_group]") {
  auto t = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    std::vector<double> times;
    co_await aio::task_group([&](aio::TaskGroup& outer) -> aio::Coro<> {
      outer.create_task(job("o", 3));
      co_await aio::task_group([](aio::TaskGroup& inner) -> aio::Coro<> {
        inner.create_task(job("i", 1));
        co_return;
      });
      times.push_back(test::now());
    });
    times.push_back(test::now());
    co_return times;
  }());
  CHECK(t == std::vector<double>{1, 3});
}

// Python tg.py main3: the stubborn child catches CancelledError, sleeps 0.5 and returns 'ok'.
TEST_CASE("task_group: a child that catches CancelledError and returns still ends the group properly",
          "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Task<std::string> s;
    try {
      co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
        s = tg.create_task([]() -> aio::Coro<std::string> {
          try {
            co_await aio::sleep(5);
          } catch (const aio::CancelledError&) {
            aio::print("stubborn caught");
          }
          co_await aio::sleep(0.5);
          aio::print("stubborn returns");
          co_return "ok";
        }());
        tg.create_task(job("f", 1, true));
        co_return;
      });
    } catch (const aio::ExceptionGroup& eg) {
      aio::print("EG", eg.exceptions().size(), s.done(), s.cancelled(), s.result());
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 fail f", "1 stubborn caught", "1.5 stubborn returns",
                                            "1.5 EG 1 True False ok"});
}

TEST_CASE("task_group: a body that catches the group's cancellation does not leave the parent cancelled",
          "[task_group]") {
  // After the group has raised, the parent task must be usable: its cancel request was taken back
  // (CPython's uncancel), so a later sleep is not interrupted.
  auto t = test::run_virtual([]() -> aio::Coro<double> {
    try {
      co_await aio::task_group([](aio::TaskGroup& tg) -> aio::Coro<> {
        tg.create_task(job("x", 1, true));
        co_await aio::sleep(10);
      });
    } catch (const aio::ExceptionGroup&) {
    }
    CHECK(aio::current_task().cancelling() == 0);
    co_await aio::sleep(2);
    co_return test::now();
  }());
  CHECK(t == 3);
}

TEST_CASE("task_group: exact virtual times", "[task_group]") {
  auto t = test::run_virtual([]() -> aio::Coro<std::vector<std::int64_t>> {
    std::vector<std::int64_t> times;  // loop nanoseconds: exact
    co_await aio::sleep(0.5);
    co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
      tg.create_task(job("a", 1.25));
      tg.create_task(job("b", 0.25));
      co_await aio::sleep(0.75);  // the body itself takes time too
      times.push_back(aio::EventLoop::current().now_ns());
    });
    times.push_back(aio::EventLoop::current().now_ns());
    co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
      tg.create_task(job("c", 0.5));
      co_await aio::sleep(2);
    });
    times.push_back(aio::EventLoop::current().now_ns());
    co_return times;
  }());
  CHECK(t == std::vector<std::int64_t>{1'250'000'000, 1'750'000'000, 3'750'000'000});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("task_group: the body's task resumes at the same loop turn as in CPython", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    co_await aio::task_group([](aio::TaskGroup& g) -> aio::Coro<> {
      g.create_task(test::quiet_child("a"));
      co_return;
    });
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 tick 2", "0 tick 3", "0 resumed",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

// Python extra.py: the body has finished and the group waits at its exit when f fails: s is cancelled.
TEST_CASE("task_group: a child failing while the group waits at its exit cancels the siblings", "[task_group]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& tg) -> aio::Coro<> {
        tg.create_task(job("s", 5));
        tg.create_task(job("f", 1, true));
        aio::print("body done");
        co_return;
      });
    } catch (const aio::ExceptionGroup& eg) {
      aio::print("EG", eg.exceptions().size());
    }
    co_await aio::sleep(1);  // the task is usable afterwards
    aio::print("slept");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 body done", "1 fail f", "1 cancelled s", "1 EG 1", "2 slept"});
}
