// Pattern 2: Concurrent execution with gather() (asyncio.gather).
// All fetches sleep at the same time, so fetching n users takes one delay, not n.
#include "registry.hpp"

namespace patterns {
namespace {

struct User {
  long id;
  std::string name;
};

aio::Coro<User> fetch_user(long user_id, Number delay) {  // py: async def fetch_user(user_id: int) -> dict:
  // Fetch user data.
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  co_return User{user_id, "User " + std::to_string(user_id)};
}

aio::Coro<std::vector<User>> fetch_all_users(std::vector<long> user_ids, Number delay) {  // py: async def fetch_all_users(user_ids: List[int]) -> List[dict]:
  // Fetch multiple users concurrently.
  std::vector<aio::Coro<User>> tasks;
  for (long uid : user_ids) tasks.push_back(fetch_user(uid, delay));
  auto results = co_await aio::gather(std::move(tasks));  // py: results = await asyncio.gather(*tasks)
  co_return results;
}

aio::Coro<> main_coro(long users, Number delay) {  // py: async def main():
  std::vector<long> user_ids;
  for (long i = 1; i <= users; ++i) user_ids.push_back(i);
  auto fetched = co_await fetch_all_users(user_ids, delay);  // py: users = await fetch_all_users(user_ids)
  aio::print("Fetched " + std::to_string(fetched.size()) + " users");
}

}  // namespace

extern const Pattern gather{
    .id = "gather",
    .title = "Concurrent execution with gather()",
    .summary = "gather() runs every fetch as a task at once and returns their results in order: n fetches take "
               "one delay, not n.",
    .group = kSeedGroup,
    .params = {
        {.key = "users", .label = "Users", .type = ParamType::integer, .default_value = "5",
         .min = 0, .max = 100000,
         .help = "How many users to fetch."},
        {.key = "delay", .label = "Fetch delay (s)", .type = ParamType::number, .default_value = "0.5",
         .min = 0, .max = 30,
         .help = "How long one fetch sleeps."},
    },
    .ideal = [](const Params& p) { return p.number("users").value > 0 ? p.number("delay").value : 0.0; },
    .main = [](const Params& p) { return main_coro(static_cast<long>(p.number("users").value), p.number("delay")); },
};

}  // namespace patterns
