# The task-switching programs of bench/switch.c in MicroPython asyncio, for the unix port
# (micropython -X heapsize=256k switch.py pingpong|yields N [M]) and the WebAssembly port
# (run_wasm.mjs, which awaits bench() itself). Prints the same table row as bench-switch.
import asyncio
import sys
import time


async def pingpong(n):
    # Two tasks hand a turn back and forth through two Events: one round trip per iteration.
    to_a = asyncio.Event()
    to_b = asyncio.Event()

    async def pong():
        while True:
            await to_b.wait()
            to_b.clear()
            to_a.set()

    async def ping():
        for _ in range(n):
            to_b.set()
            await to_a.wait()
            to_a.clear()

    # Both sides are tasks: the caller of bench() may be a host's own coroutine (WebAssembly).
    p = asyncio.create_task(pong())
    t0 = time.ticks_us()
    await asyncio.create_task(ping())
    dt = time.ticks_diff(time.ticks_us(), t0)
    p.cancel()
    return "ping-pong round trips", n, dt


async def yields(tasks, each):
    # TASKS tasks each await asyncio.sleep_ms(0) EACH times.
    async def yielder():
        for _ in range(each):
            await asyncio.sleep_ms(0)

    t0 = time.ticks_us()
    ts = [asyncio.create_task(yielder()) for _ in range(tasks)]
    for t in ts:
        await t
    dt = time.ticks_diff(time.ticks_us(), t0)
    return "task switches (yields)", tasks * each, dt


async def bench(what, a, b=0):
    name, n, us = await (pingpong(a) if what == "pingpong" else yields(a, b))
    print("| %s | %d | %.6f s | %.0f /s |" % (name, n, us / 1e6, n * 1e6 / us))


if len(sys.argv) > 2:
    asyncio.run(bench(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0))
