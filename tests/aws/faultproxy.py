"""An HTTP proxy on 127.0.0.1 in front of a moto server: a request log, injected faults, outages.

Point ``AWS_ENDPOINT_URL`` at :attr:`FaultProxy.url` instead of the server's and every SDK
call passes through it. The proxy

- logs each call as (service, operation, status), and lets a test wait for a call with a
  deadline (:meth:`FaultProxy.wait_for`) instead of sleeping;
- answers a fraction of the calls of chosen services with a fault instead of forwarding
  them (:class:`Faults`): ``503 SlowDown``, ``500 InternalError`` or a connection reset.
  Only an SDK call's first attempt (botocore's ``amz-sdk-request: attempt=1`` header) is
  ever faulted, and a faulted request never reaches the server, so every fault is one the
  SDK's retries must absorb, and a retried write is never applied twice;
- can go down (every connection reset at once, nothing forwarded) and come back up, the
  server's state untouched: a server that vanished in the middle of a multipart upload.

The service and operation are read from the request itself: the SigV4 credential scope
names the service; JSON protocols name the operation in ``X-Amz-Target``; S3's REST
operations are told apart by method and query string.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULT_KINDS = ("slowdown", "internal", "reset")
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "expect"}


@dataclass(frozen=True)
class Call:
    service: str  # "s3", "athena", "glue", "lambda", …
    operation: str  # "UploadPart", "StopQueryExecution", …
    method: str
    path: str  # bucket and key for S3
    attempt: int  # botocore's attempt number (1 = the first)
    status: int | None  # None: reset, nothing answered
    fault: str | None = None  # the injected fault, if any


@dataclass
class Faults:
    """Fault every ``every``-th first attempt of each of ``services``' calls, cycling ``kinds``.

    Each service counts its own calls and cycles through the kinds on its own, so every
    service that makes ``every * len(kinds)`` calls meets every kind of fault.
    """

    services: frozenset[str] = frozenset({"s3", "athena"})
    every: int = 3
    kinds: tuple[str, ...] = FAULT_KINDS
    _seen: dict[str, itertools.count] = field(default_factory=dict, repr=False)
    _kind: dict[str, Iterator[str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pick(self, call: Call) -> str | None:
        if call.service not in self.services or call.attempt != 1:
            return None
        with self._lock:
            seen = self._seen.setdefault(call.service, itertools.count(1))
            if next(seen) % self.every:
                return None
            kinds = self._kind.setdefault(call.service, itertools.cycle(self.kinds))
            return next(kinds)


def s3_operation(method: str, path: str, query: dict[str, list[str]]) -> str:
    """The S3 operation of a path-style request (the ones olistctl and its tests make)."""
    key = path.lstrip("/").partition("/")[2]
    if "uploads" in query:
        return "CreateMultipartUpload" if method == "POST" else "ListMultipartUploads"
    if "uploadId" in query:
        if method == "PUT":
            return "UploadPart"
        return {"POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"}.get(
            method, "ListParts"
        )
    for name, get, put in (
        ("tagging", "GetBucketTagging", "PutBucketTagging"),
        ("encryption", "GetBucketEncryption", "PutBucketEncryption"),
        ("versioning", "GetBucketVersioning", "PutBucketVersioning"),
    ):
        if name in query and not key:
            return get if method == "GET" else put
    if "versions" in query:
        return "ListObjectVersions"
    if "delete" in query:
        return "DeleteObjects"
    if not key:
        return {"GET": "ListObjects", "PUT": "CreateBucket", "HEAD": "HeadBucket"}.get(
            method, f"{method}Bucket"
        )
    return {
        "GET": "GetObject",
        "PUT": "PutObject",
        "HEAD": "HeadObject",
        "DELETE": "DeleteObject",
    }.get(method, f"{method}Object")


def _fault_answer(service: str, kind: str) -> tuple[int, dict[str, str], bytes]:
    """What AWS sends for this fault, in the service's own protocol."""
    if service == "s3":
        code, status, text = {
            "slowdown": ("SlowDown", 503, "Please reduce your request rate."),
            "internal": ("InternalError", 500, "We encountered an internal error."),
        }[kind]
        body = f"<Error><Code>{code}</Code><Message>{text}</Message></Error>".encode()
        return status, {"Content-Type": "application/xml"}, body
    code, status = {
        "slowdown": ("ServiceUnavailableException", 503),
        "internal": ("InternalServerException", 500),
    }[kind]
    body = json.dumps({"__type": code, "Message": "injected by the test's proxy"}).encode()
    return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, body


class FaultProxy:
    """The proxy, serving on a free port of 127.0.0.1 until :meth:`stop`."""

    def __init__(self, upstream: str, faults: Faults | None = None) -> None:
        target = urllib.parse.urlsplit(upstream)
        self.upstream = (target.hostname or "127.0.0.1", target.port or 80)
        self.faults = faults
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        self._down = False
        self._down_when: Callable[[Call], bool] | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # answers Expect: 100-continue, as S3 does

            def log_message(self, *args) -> None:
                pass

            def do_request(self) -> None:
                proxy._handle(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_request

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # a reset connection is the point, not an error

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- control ------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def go_down_when(self, condition: Callable[[Call], bool]) -> None:
        """Go down at the first call that meets ``condition`` (that call is reset too)."""
        with self._changed:
            self._down_when = condition

    def come_back(self) -> None:
        with self._changed:
            self._down = False
            self._down_when = None
            self._changed.notify_all()

    @property
    def is_down(self) -> bool:
        return self._down

    def wait_for(self, condition: Callable[[list[Call]], bool], timeout: float = 60) -> None:
        """Block until ``condition(calls)`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"waited {timeout:g} s; calls so far: {[c.operation for c in self.calls]}"
                    )
                self._changed.wait(left)

    def operations(self, service: str | None = None) -> list[str]:
        with self._changed:
            return [c.operation for c in self.calls if service in (None, c.service)]

    # -- one request ----------------------------------------------------------------

    def _read_body(self, request: BaseHTTPRequestHandler) -> bytes:
        if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(request.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while request.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(request.rfile.read(size))
                request.rfile.readline()
        length = int(request.headers.get("Content-Length") or 0)
        return request.rfile.read(length) if length else b""

    def _describe(self, request: BaseHTTPRequestHandler) -> tuple[str, str, str, int]:
        scope = _SCOPE.search(request.headers.get("Authorization", ""))
        service = scope.group(1) if scope else "unknown"
        split = urllib.parse.urlsplit(request.path)
        target = request.headers.get("X-Amz-Target")
        if target:
            operation = target.rpartition(".")[2]
        elif service == "s3":
            query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
            operation = s3_operation(request.command, split.path, query)
        else:
            operation = f"{request.command} {split.path}"
        attempt = re.search(r"attempt=(\d+)", request.headers.get("amz-sdk-request", ""))
        path = urllib.parse.unquote(split.path)
        return service, operation, path, int(attempt.group(1)) if attempt else 1

    def _log(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    @staticmethod
    def _reset(request: BaseHTTPRequestHandler) -> None:
        """Close the client's connection with a TCP reset, answering nothing."""
        request.close_connection = True
        connection: socket.socket = request.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        body = self._read_body(request)
        service, operation, path, attempt = self._describe(request)
        call = Call(service, operation, request.command, path, attempt, None)
        with self._changed:
            if self._down_when is not None and self._down_when(call):
                self._down, self._down_when = True, None
            down = self._down
        if down:
            self._log(Call(**{**call.__dict__, "fault": "down"}))
            self._reset(request)
            return
        fault = self.faults.pick(call) if self.faults else None
        if fault == "reset":
            self._log(Call(**{**call.__dict__, "fault": fault}))
            self._reset(request)
            return
        if fault is not None:
            status, headers, payload = _fault_answer(service, fault)
            headers = {**headers, "x-amz-request-id": "injected", "x-amzn-RequestId": "injected"}
        else:
            status, headers, payload = self._forward(request, body)
        self._log(Call(**{**call.__dict__, "status": status, "fault": fault}))
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        if "Content-Length" not in headers:  # a HEAD answer keeps the object's length
            request.send_header("Content-Length", str(len(payload)))
        request.send_header("Connection", "close")
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(payload)
        request.close_connection = True

    def _forward(
        self, request: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        upstream = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            upstream.putrequest(
                request.command, request.path, skip_host=True, skip_accept_encoding=True
            )
            for name, value in request.headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    upstream.putheader(name, value)
            upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body)
            response = upstream.getresponse()
            payload = response.read()
            headers = {
                name: value
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"
            }
            if request.command == "HEAD" and response.getheader("Content-Length"):
                headers["Content-Length"] = response.getheader("Content-Length")
            return response.status, headers, payload
        finally:
            upstream.close()
