"""Headless Chromium, driven over the DevTools protocol, for the HTML report's tests.

Chromium comes from Debian (``apt-get install chromium``; ``scripts/install-chromium.sh``),
never downloaded by a test. It starts with a fresh profile and everything that could
reach the network switched off, listens for DevTools on 127.0.0.1 only, and is stopped
when the test ends. Every event the page raises is kept, so a test can assert that the
page logged no error and requested nothing but its own file.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in CI; the page is our own file
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
DEADLINE_S = 60.0


def chromium_path() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Page:
    """One tab, spoken to over its DevTools websocket; events are collected as they come."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.events: list[dict] = []
        self._next = 0

    def send(self, method: str, **params: Any) -> dict:
        self._next += 1
        ident = self._next
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=DEADLINE_S))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str) -> dict:
        """The first event ``method`` (already received, or the next ones until it comes)."""
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            message = json.loads(self.socket.recv(timeout=DEADLINE_S))
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, clip: dict | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        return base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])

    def of(self, method: str) -> list[dict]:
        return [e["params"] for e in self.events if e.get("method") == method]


def _devtools_port(process: subprocess.Popen) -> int:
    """The port Chromium chose, from the line it prints once it listens; its stderr is then
    drained on a thread, so the pipe never fills."""
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=DEADLINE_S)
        except queue.Empty:
            raise RuntimeError("chromium did not open its DevTools port in time") from None
        if line is None:
            raise RuntimeError(f"chromium exited ({process.wait()}) before listening")
        found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
        if found:
            return int(found.group(1))


@contextmanager
def open_page(width: int, height: int) -> Iterator[Page]:
    """A blank tab of a fresh headless Chromium, ``width`` x ``height`` CSS pixels."""
    from websockets.sync.client import connect

    binary = chromium_path()
    assert binary, "chromium is not installed"
    with tempfile.TemporaryDirectory(prefix="olistctl-chromium-") as tmp:
        profile = Path(tmp)
        process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "HOME": tmp},
        )
        try:
            port = _devtools_port(process)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = json.load(r)
            page_url = next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]
            with connect(page_url, max_size=None, open_timeout=DEADLINE_S) as socket:
                page = Page(socket)
                for domain in ("Page", "Runtime", "Log", "Network"):
                    page.send(f"{domain}.enable")
                page.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=width,
                    height=height,
                    deviceScaleFactor=1,
                    mobile=False,
                )
                yield page
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
