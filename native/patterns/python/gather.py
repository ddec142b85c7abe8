import asyncio
from typing import List

from _params import params

P = params(users=5, delay=0.5)


async def fetch_user(user_id: int) -> dict:
    """Fetch user data."""
    await asyncio.sleep(P["delay"])
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: List[int]) -> List[dict]:
    """Fetch multiple users concurrently."""
    tasks = [fetch_user(uid) for uid in user_ids]
    results = await asyncio.gather(*tasks)
    return results


async def main():
    user_ids = list(range(1, P["users"] + 1))
    users = await fetch_all_users(user_ids)
    print(f"Fetched {len(users)} users")


asyncio.run(main())
