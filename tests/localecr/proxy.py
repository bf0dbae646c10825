"""Loopback TCP helpers to put in front of moto: latency, and a server that never answers.

This kernel has no netem, so latency is emulated in user space: every chunk of bytes is held
`delay_ms` in each direction before it is passed on (order kept; bandwidth not limited).

    with LatencyProxy(env.moto_url, delay_ms=50) as proxy:
        client = Client(env, home, endpoint_url=proxy.url)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from types import TracebackType
from urllib.parse import urlsplit


class _LoopThread:
    """An asyncio loop in a daemon thread, serving on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            # Connections still open (clients keep them alive): end them while the loop runs.
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _LoopThread:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LatencyProxy(_LoopThread):
    """Forwards to `target` (a URL or host:port), adding `delay_ms` in each direction."""

    def __init__(self, target: str, delay_ms: float) -> None:
        super().__init__()
        parts = urlsplit(target if "://" in target else f"tcp://{target}")
        self.target_host = parts.hostname or "127.0.0.1"
        self.target_port = parts.port or 80
        self.delay = delay_ms / 1000.0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(65536)
                await queue.put((time.monotonic() + self.delay, data))
                if not data:
                    break
            await sender
        except (ConnectionError, asyncio.CancelledError):
            sender.cancel()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            writer.close()
            return
        # Cancelled at stop(): end quietly (asyncio logs a handler task that ends cancelled).
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        for w in (writer, up_writer):
            w.close()


class Blackhole(_LoopThread):
    """Accepts connections and never answers (an endpoint that hangs)."""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await reader.read()  # until the client gives up
        writer.close()
