"""civicspace.kernelfix: a reply whose wake-up is missed is picked up within one slice."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

from civicspace import kernelfix


def run(coro):
    """asyncio.run in a thread of its own: in the test worker another library
    (Playwright's sync API) may already run an event loop in this thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class FakeClock:
    """time.monotonic for kernelfix, advanced only by the fake socket's waits: the tests
    are exact and do not depend on how busy the machine is."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


class MissedWakeupSocket:
    """A socket whose message is already waiting but whose poll does not wake for it:
    like pyzmq's asyncio poll after a lost edge, it only reports the message when a
    poll's own wait ends. Records each wait it was asked for (ms)."""

    def __init__(self, has_message: bool, clock: FakeClock):
        self.has_message, self.clock = has_message, clock
        self.waits: list[int | None] = []

    async def poll(self, timeout_ms=None):
        self.waits.append(timeout_ms)
        if timeout_ms is None or timeout_ms > 10_000:
            raise AssertionError(f"a poll of {timeout_ms} ms would sit out a missed wake-up")
        self.clock.now += timeout_ms / 1000
        return 1 if self.has_message else 0


@pytest.fixture
def clock(monkeypatch):
    from types import SimpleNamespace

    fake = FakeClock()
    # Only kernelfix's view of the clock: asyncio keeps the real one.
    monkeypatch.setattr(kernelfix, "time", SimpleNamespace(monotonic=fake.monotonic))
    return fake


class Channel:
    """The two attributes get_msg uses: the socket and _recv."""

    def __init__(self, socket):
        self.socket = socket

    async def _recv(self):
        return {"msg_type": "execute_reply"}


def test_a_waiting_reply_is_returned_after_one_slice_not_after_the_whole_timeout(clock):
    sock = MissedWakeupSocket(has_message=True, clock=clock)
    msg = run(kernelfix._sliced_get_msg(Channel(sock), timeout=600))
    assert msg == {"msg_type": "execute_reply"}
    assert sock.waits == [kernelfix.SLICE_MS]  # one slice, not a single 600 000 ms poll


def test_no_message_still_raises_empty_at_the_timeout_and_no_poll_is_longer_than_a_slice(clock):
    sock = MissedWakeupSocket(has_message=False, clock=clock)
    with pytest.raises(Empty):
        run(kernelfix._sliced_get_msg(Channel(sock), timeout=1.2))
    assert sock.waits == [500, 500, 200]  # the whole timeout, in slices of at most SLICE_MS


def test_no_timeout_means_wait_in_slices_until_a_message_arrives(clock):
    sock = MissedWakeupSocket(has_message=True, clock=clock)
    assert run(kernelfix._sliced_get_msg(Channel(sock), timeout=None))["msg_type"] == "execute_reply"
    assert sock.waits == [kernelfix.SLICE_MS]


def test_apply_patches_jupyter_client_once(monkeypatch):
    async def unpatched(self, timeout=None):  # stands in for jupyter_client's own (restored after)
        raise NotImplementedError

    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", unpatched)
    assert kernelfix.apply() is True
    assert AsyncZMQSocketChannel.get_msg is kernelfix._sliced_get_msg
    assert kernelfix.apply() is False  # idempotent


def test_a_real_kernel_round_trip_works_through_the_patched_channel(monkeypatch):
    """Start a real kernel with the async client, patched, and run a cell."""
    from jupyter_client.manager import start_new_async_kernel

    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", kernelfix._sliced_get_msg)

    async def round_trip():
        km, kc = await start_new_async_kernel(kernel_name="python3")
        try:
            msg_id = kc.execute("x = 6 * 7")
            reply = await kc.get_shell_msg(timeout=60)
            # On a loaded machine, the start-up's kernel_info request can be answered late,
            # after the client stopped waiting for it: skip such replies, nothing else.
            while reply["msg_type"] == "kernel_info_reply" and reply["parent_header"]["msg_id"] != msg_id:
                reply = await kc.get_shell_msg(timeout=60)
            assert reply["parent_header"]["msg_id"] == msg_id
            assert reply["content"]["status"] == "ok"
            with pytest.raises(Empty):  # nothing else on the shell channel: Empty after the timeout
                await kc.get_shell_msg(timeout=0.3)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    run(round_trip())
