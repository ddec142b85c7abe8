import asyncio
import collections

from _params import params

P = params(producers=2, consumers=2, items=6, maxsize=2, produce=0.25, consume=1)


async def producer(name: str, queue: asyncio.Queue, todo: collections.deque):
    while todo:  # the producers share one to-do list of item numbers
        n = todo.popleft()
        await asyncio.sleep(P["produce"])  # making an item takes a while
        if queue.full():
            print(f"{name}: queue full, waiting to put item {n}")
        await queue.put(n)  # waits while the queue is full: backpressure
        print(f"{name}: put item {n} ({queue.qsize()} queued)")


async def consumer(name: str, queue: asyncio.Queue):
    while True:
        n = await queue.get()  # waits while the queue is empty
        print(f"{name}: got item {n}")
        await asyncio.sleep(P["consume"])  # working on it
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=P["maxsize"])
    consumers = [asyncio.create_task(consumer(f"C{i}", queue)) for i in range(1, P["consumers"] + 1)]
    todo = collections.deque(range(1, P["items"] + 1))
    await asyncio.gather(*(producer(f"P{i}", queue, todo) for i in range(1, P["producers"] + 1)))
    print("main: all items produced")
    await queue.join()  # until every item got its task_done()
    print("main: all items consumed")
    for c in consumers:
        c.cancel()  # the consumers loop forever: stop them
    await asyncio.gather(*consumers, return_exceptions=True)
    print("main: consumers cancelled")


asyncio.run(main())
