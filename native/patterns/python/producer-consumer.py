import asyncio

from _params import params

P = params(producers=2, consumers=2, items=3, maxsize=2, produce=0.25, consume=1)


async def producer(name: str, queue: asyncio.Queue):
    for i in range(1, P["items"] + 1):
        await asyncio.sleep(P["produce"])  # making an item takes a while
        item = f"{name}-{i}"
        if queue.full():
            print(f"{name}: queue full, waiting to put {item}")
        await queue.put(item)  # waits while the queue is full: backpressure
        print(f"{name}: put {item} ({queue.qsize()} queued)")


async def consumer(name: str, queue: asyncio.Queue):
    while True:
        item = await queue.get()  # waits while the queue is empty
        print(f"{name}: got {item}")
        await asyncio.sleep(P["consume"])  # working on it
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=P["maxsize"])
    consumers = [asyncio.create_task(consumer(f"C{n}", queue)) for n in range(1, P["consumers"] + 1)]
    await asyncio.gather(*(producer(f"P{n}", queue) for n in range(1, P["producers"] + 1)))
    print("main: all items produced")
    await queue.join()  # until every item got its task_done()
    print("main: all items consumed")
    for c in consumers:
        c.cancel()  # the consumers loop forever: stop them
    await asyncio.gather(*consumers, return_exceptions=True)
    print("main: consumers cancelled")


asyncio.run(main())
