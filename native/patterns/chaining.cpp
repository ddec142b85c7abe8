// Pattern 7: Chaining async operations: one fetch first, then two side by side.
// Python returns the merged dict; the port prints it as JSON (the same structure).
#include "registry.hpp"

namespace patterns {
namespace {

using Json = std::string;  // a JSON text, built with Python's json.dumps spacing

aio::Coro<Json> fetch_user(long user_id, Number delay) {  // py: async def fetch_user(user_id: int):
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  co_return "\"id\": " + std::to_string(user_id) + ", \"name\": \"User " + std::to_string(user_id) + "\"";
}

aio::Coro<Json> fetch_user_orders(long, Number delay, long orders) {  // py: async def fetch_user_orders(user_id: int):
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  Json list = "[";
  for (long i = 0; i < orders; ++i)
    list += (i ? ", " : "") + std::string("{\"id\": ") + std::to_string(i) + ", \"item\": \"Item " + std::to_string(i) + "\"}";
  co_return list + "]";
}

aio::Coro<Json> fetch_user_profile(long, Number delay) {  // py: async def fetch_user_profile(user_id: int):
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  co_return "{\"bio\": \"User bio\", \"location\": \"Earth\"}";
}

aio::Coro<Json> get_complete_user_data(long user_id, Number delay, long orders) {  // py: async def get_complete_user_data(user_id: int):
  // Sequential - user first, then details
  auto user = co_await fetch_user(user_id, delay);  // py: user = await fetch_user(user_id)

  // Concurrent - orders and profile together
  auto [order_list, profile] =
      co_await aio::gather(fetch_user_orders(user_id, delay, orders), fetch_user_profile(user_id, delay));  // py: orders, profile = await asyncio.gather(

  co_return "{" + user + ", \"orders\": " + order_list + ", \"profile\": " + profile + "}";
}

aio::Coro<> main_coro(long user_id, Number delay, long orders) {  // py: -
  aio::print(co_await get_complete_user_data(user_id, delay, orders));  // py: print(json.dumps(asyncio.run(get_complete_user_data(P["user_id"]))))
}

}  // namespace

extern const Pattern chaining{
    .id = "chaining",
    .title = "Chaining async operations",
    .summary = "Fetch the user first, then its orders and profile together: the chain takes two delays, not three.",
    .group = kSeedGroup,
    .params = {
        {.key = "user_id", .label = "User id", .type = ParamType::integer, .default_value = "1",
         .min = 0, .max = 1000000,
         .help = "Which user to fetch."},
        {.key = "delay", .label = "Fetch delay (s)", .type = ParamType::number, .default_value = "0.5",
         .min = 0, .max = 30,
         .help = "How long each fetch sleeps."},
        {.key = "orders", .label = "Orders", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 100,
         .help = "How many orders the user has."},
    },
    .ideal = [](const Params& p) { return 2 * p.number("delay").value; },
    .main = [](const Params& p) {
      return main_coro(static_cast<long>(p.number("user_id").value), p.number("delay"),
                       static_cast<long>(p.number("orders").value));
    },
};

}  // namespace patterns
