"""Work around a missed wake-up in jupyter_client's asyncio channels.

``AsyncZMQSocketChannel.get_msg`` waits for a reply with one
``zmq.asyncio`` poll over the whole timeout. ZeroMQ signals readiness on an
edge-triggered file descriptor; under load a notification can be consumed
without the event loop waking (pyzmq's asyncio poll then only sees the message
in its final check, when the timeout ends). nbclient waits for each cell's
``execute_reply`` with the cell timeout, so a chapter that normally runs in
5 s occasionally took the whole 600 s timeout and then carried on as if
nothing had happened (seen on 2 cores with other kernels running; with both
cores busy and a 30 s timeout, 6 of 26 unpatched runs of chapter 1 stalled,
none of 20 patched ones).

:func:`apply` makes ``get_msg`` poll in slices of at most
:data:`SLICE_MS`: each slice ends with the same final check, so a missed
notification costs at most one slice. Messages, timeouts and the ``Empty``
exception are unchanged. It is applied where this course drives kernels: the
chapter executions of the test suite, the book build (``civicspace.book.sphinxext``)
and the grading pipeline (``civicspace.grading.runner``).
"""

from __future__ import annotations

import time
from queue import Empty

#: Longest single poll, in milliseconds.
SLICE_MS = 500


async def _sliced_get_msg(self, timeout: float | None = None) -> dict:
    """``AsyncZMQSocketChannel.get_msg`` polling in slices of ``SLICE_MS``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        if deadline is None:
            wait_ms = SLICE_MS
        else:
            wait_ms = max(0, min(SLICE_MS, int((deadline - time.monotonic()) * 1000)))
        if await self.socket.poll(wait_ms):
            return await self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


def apply() -> bool:
    """Patch ``jupyter_client``'s asyncio channel class; return True if it was patched now."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.get_msg, "_civicspace_sliced", False):
        return False
    _sliced_get_msg._civicspace_sliced = True  # type: ignore[attr-defined]
    AsyncZMQSocketChannel.get_msg = _sliced_get_msg  # type: ignore[method-assign]
    return True
