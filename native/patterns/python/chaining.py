import asyncio
import json

from _params import params

P = params(user_id=1, delay=0.5, orders=3)


async def fetch_user(user_id: int):
    await asyncio.sleep(P["delay"])
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_user_orders(user_id: int):
    await asyncio.sleep(P["delay"])
    return [{"id": i, "item": f"Item {i}"} for i in range(P["orders"])]


async def fetch_user_profile(user_id: int):
    await asyncio.sleep(P["delay"])
    return {"bio": "User bio", "location": "Earth"}


async def get_complete_user_data(user_id: int):
    """Chain async operations."""
    # Sequential - user first, then details
    user = await fetch_user(user_id)

    # Concurrent - orders and profile together
    orders, profile = await asyncio.gather(
        fetch_user_orders(user_id),
        fetch_user_profile(user_id)
    )

    return {
        **user,
        "orders": orders,
        "profile": profile
    }


print(json.dumps(asyncio.run(get_complete_user_data(P["user_id"]))))
