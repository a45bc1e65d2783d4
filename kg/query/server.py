"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store.

Two processes, one job each:

* the Oxigraph server (``oxigraph serve-read-only``, from the ``oxigraph``
  package) opens the store read-only, answers queries over the union of all
  named graphs and CANCELS a query that runs longer than ``--timeout-s``
  (whole seconds).  It listens on a private random loopback port.
* a small Python front (this module) is what clients talk to.  It listens on
  ``host:port`` (127.0.0.1 unless ``allow_remote``), accepts queries only
  (GET/POST on ``/query`` or ``/sparql``), answers every UPDATE, Graph Store
  write or other method with 403, asks Oxigraph for TSV / N-Triples (one
  solution per line), keeps at most ``limit`` solutions, and re-serialises them
  in the format the client asked for (SPARQL JSON, XML, CSV, TSV; Turtle,
  N-Triples, RDF/XML ...).  A truncated answer carries the header
  ``X-GovKG-Truncated: true``; every answer carries ``X-GovKG-Result-Limit``.
  Because the front buffers (at most ``limit`` rows) before answering, a query
  cancelled by the timeout gets a clean ``503`` instead of a half-written 200;
  the front also gives up itself ``timeout + 2`` seconds after sending.

>>> check_host("127.0.0.1", allow_remote=False) is None
True
"""

from __future__ import annotations

import ctypes
import ipaddress
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox

from kg.errors import GovKGError, InputError, MissingDependency

__all__ = ["Endpoint", "check_host", "find_oxigraph", "DEFAULT_PORT", "DEFAULT_TIMEOUT",
           "DEFAULT_LIMIT", "LOCAL_HOSTS"]

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_LIMIT = 10_000  # solutions (or triples) per answer
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
QUERY_PATHS = ("/query", "/sparql")
MAX_BODY = 1 << 20  # a query larger than 1 MiB is refused (413)

_UPSTREAM_ACCEPT = ("text/tab-separated-values, application/n-triples;q=0.9, "
                    "application/sparql-results+json;q=0.8")
_SELECT_FORMATS = {f.media_type.split(";")[0]: f for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                               ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)}
_SELECT_FORMATS["application/json"] = ox.QueryResultsFormat.JSON
_SELECT_FORMATS["application/xml"] = ox.QueryResultsFormat.XML
_GRAPH_FORMATS = {f.media_type.split(";")[0]: f for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
                                              ox.RdfFormat.RDF_XML, ox.RdfFormat.N_QUADS,
                                              ox.RdfFormat.JSON_LD)}


def check_host(host: str, *, allow_remote: bool) -> Optional[str]:
    """Refuse an address other than 127.0.0.1/localhost/::1 unless ``allow_remote``;
    with it, return the warning to print."""
    if host in LOCAL_HOSTS:
        return None
    if not allow_remote:
        raise GovKGError(
            f"kg serve: refusing to bind {host!r}: the endpoint has no authentication, so it listens "
            f"on 127.0.0.1 only (fix: drop --host, or add --allow-remote if you really mean it)")
    try:
        scope = "a loopback address" if ipaddress.ip_address(host).is_loopback else "NOT a loopback address"
    except ValueError:
        scope = "a host name"
    return (f"WARNING: kg serve binds {host} ({scope}) instead of 127.0.0.1: anyone who can reach "
            f"it can query the whole graph (read-only, no authentication)")


def find_oxigraph() -> str:
    """Path of the ``oxigraph`` server binary (next to this Python first)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise MissingDependency("oxigraph", "pip install 'oxigraph>=0.4,<0.6'", "kg serve")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux: the Oxigraph child gets SIGTERM when kg serve dies, even by SIGKILL.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Endpoint:
    """The endpoint as an object: ``with Endpoint(store_dir, port=0) as ep: ep.url``.

    ``port=0`` picks a free port.  ``timeout`` is in seconds (Oxigraph cancels
    after ``ceil(timeout)``), ``limit`` the most solutions or triples returned.
    """

    def __init__(self, store, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 timeout: float = DEFAULT_TIMEOUT, limit: int = DEFAULT_LIMIT,
                 allow_remote: bool = False) -> None:
        self.store = Path(store)
        if not (self.store / "CURRENT").exists():
            raise InputError(str(self.store), "no Oxigraph store here", "run `kg build` first, or pass --store DIR")
        if timeout <= 0 or limit <= 0:
            raise GovKGError(f"kg serve: --timeout ({timeout}) and --limit ({limit}) must be positive")
        self.warning = check_host(host, allow_remote=allow_remote)
        self.host, self.port, self.timeout, self.limit = host, port, float(timeout), int(limit)
        self._child: Optional[subprocess.Popen] = None
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._log = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> "Endpoint":
        upstream_port = _free_port()
        self.upstream = f"http://127.0.0.1:{upstream_port}"
        self._log = tempfile.TemporaryFile()
        cmd = [find_oxigraph(), "serve-read-only", "--location", str(self.store),
               "--bind", f"127.0.0.1:{upstream_port}", "--union-default-graph",
               "--timeout-s", str(max(1, math.ceil(self.timeout)))]
        self._child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                       stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        try:
            self._wait_upstream()
            server_class = _V6Server if ":" in self.host else ThreadingHTTPServer
            self._httpd = server_class((self.host, self.port), _make_handler(self))
        except BaseException:
            self.stop()
            raise
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="kg-serve", daemon=True)
        self._thread.start()
        return self

    def _wait_upstream(self, patience: float = 15.0) -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if self._child.poll() is not None:
                self._log.seek(0)
                raise GovKGError(f"kg serve: the Oxigraph server stopped: "
                                 f"{self._log.read().decode('utf-8', 'replace').strip()[-500:]}")
            try:
                httpx.get(self.upstream + "/", timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise GovKGError(f"kg serve: the Oxigraph server did not start within {patience:.0f} s")

    def stop(self) -> None:
        """Stop the front and the Oxigraph child (idempotent)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._child is not None and self._child.poll() is None:
            self._child.terminate()
            try:
                self._child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        self._child = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def serve_forever(self) -> None:
        """Block until SIGINT/SIGTERM, then stop."""
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                if self._child is not None and self._child.poll() is not None:
                    raise GovKGError("kg serve: the Oxigraph server stopped unexpectedly")
        finally:
            self.stop()

    def __enter__(self) -> "Endpoint":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- one query -----------------------------------------------------------------
    def answer(self, query: str, accept: str, extra: dict) -> tuple[int, dict, bytes]:
        """Run ``query`` upstream; returns (status, headers, body) for the client."""
        headers = {"X-GovKG-Result-Limit": str(self.limit)}
        params = {k: v for k, v in extra.items() if k in ("default-graph-uri", "named-graph-uri")}
        started = time.monotonic()
        try:
            with httpx.Client(timeout=httpx.Timeout(self.timeout + 2.0, connect=5.0)) as client:
                with client.stream("POST", self.upstream + "/query", params=params, content=query.encode("utf-8"),
                                   headers={"Content-Type": "application/sparql-query",
                                            "Accept": _UPSTREAM_ACCEPT}) as resp:
                    if resp.status_code != 200:
                        body = resp.read()
                        return resp.status_code, {**headers, "Content-Type": "text/plain; charset=utf-8"}, body
                    kind = resp.headers.get("content-type", "").split(";")[0].strip()
                    lines, truncated = self._read_limited(resp, header_lines=1 if kind.startswith("text/tab") else 0,
                                                          deadline=started + self.timeout + 2.0)
        except httpx.TimeoutException:
            return _timeout_answer(self.timeout, headers)
        except _Deadline:
            return _timeout_answer(self.timeout, headers)
        except httpx.HTTPError as err:
            return 502, {**headers, "Content-Type": "text/plain; charset=utf-8"}, f"upstream error: {err}\n".encode()
        data = b"".join(lines)
        if truncated:
            headers["X-GovKG-Truncated"] = "true"
        try:
            if kind == "application/n-triples":
                fmt = _negotiate(accept, _GRAPH_FORMATS, ox.RdfFormat.N_TRIPLES)
                body = ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=fmt)
            else:
                in_fmt = ox.QueryResultsFormat.TSV if kind.startswith("text/tab") else ox.QueryResultsFormat.JSON
                results = ox.parse_query_results(data, format=in_fmt)
                fmt = _negotiate(accept, _SELECT_FORMATS, ox.QueryResultsFormat.JSON)
                if isinstance(results, ox.QueryBoolean) and fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
                    fmt = ox.QueryResultsFormat.JSON  # CSV/TSV cannot carry a boolean
                body = results.serialize(format=fmt)
        except SyntaxError:
            # Oxigraph had already answered 200 when the timeout cancelled the
            # query: the stream ends with its error text instead of results.
            if b"cancelled" in data[-200:]:
                return _timeout_answer(self.timeout, headers)
            raise
        media = fmt.media_type.split(";")[0]
        headers["Content-Type"] = f"{media}; charset=utf-8" if media.startswith(("text/", "application/sparql")) else media
        return 200, headers, body

    def _read_limited(self, resp, *, header_lines: int, deadline: float) -> tuple[list[bytes], bool]:
        lines: list[bytes] = []
        pending = b""
        for chunk in resp.iter_bytes():
            if time.monotonic() > deadline:
                raise _Deadline()
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                lines.append(line + b"\n")
                if len(lines) > self.limit + header_lines:
                    return lines[: self.limit + header_lines], True
        if pending:
            lines.append(pending)
            if len(lines) > self.limit + header_lines:
                return lines[: self.limit + header_lines], True
        return lines, False


class _Deadline(Exception):
    pass


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _timeout_answer(timeout: float, headers: dict) -> tuple[int, dict, bytes]:
    msg = f"query cancelled: it ran longer than the {timeout:g} s timeout (kg serve --timeout)\n"
    return 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}, msg.encode()


def _negotiate(accept: str, table: dict, default):
    """The format of ``table`` the Accept header prefers (q-values honoured)."""
    best, best_q = default, 0.0
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media in table and q > best_q:
            best, best_q = table[media], q
    return best


def _make_handler(endpoint: Endpoint):
    class Handler(BaseHTTPRequestHandler):
        server_version = "GovKG-SPARQL/0.1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # keep the terminal quiet; errors still go out
            pass

        def _send(self, status: int, body: bytes, headers: Optional[dict] = None) -> None:
            self.send_response(status)
            for key, value in (headers or {"Content-Type": "text/plain; charset=utf-8"}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refuse(self, what: str) -> None:
            self._send(403, f"{what} refused: this endpoint is read-only (kg serve)\n".encode())

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            args = parse_qs(url.query)
            if url.path == "/":
                self._send(200, f"GovKG read-only SPARQL endpoint: GET or POST {QUERY_PATHS[0]}?query=...\n".encode())
            elif url.path not in QUERY_PATHS:
                self._send(404, b"not found: use /query\n")
            elif "update" in args:
                self._refuse("SPARQL UPDATE")
            elif "query" not in args:
                self._send(400, b"missing the 'query' parameter\n")
            else:
                self._query(args["query"][0], args)

        do_HEAD = do_GET

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True
                return self._send(413, b"query too large\n")
            body = self.rfile.read(length) if length else b""
            if ctype == "application/sparql-update" or url.path == "/update":
                return self._refuse("SPARQL UPDATE")
            if url.path not in QUERY_PATHS:
                return self._refuse("POST") if url.path == "/store" else self._send(404, b"not found: use /query\n")
            args = parse_qs(url.query)
            if ctype == "application/x-www-form-urlencoded":
                args.update(parse_qs(body.decode("utf-8", "replace")))
                if "update" in args:
                    return self._refuse("SPARQL UPDATE")
                if "query" not in args:
                    return self._send(400, b"missing the 'query' parameter\n")
                return self._query(args["query"][0], args)
            if ctype == "application/sparql-query":
                return self._query(body.decode("utf-8", "replace"), args)
            self._send(415, b"send application/sparql-query or a form with query=\n")

        def _write_refused(self) -> None:
            self._refuse(f"HTTP {self.command}")

        do_PUT = do_DELETE = do_PATCH = _write_refused

        def _query(self, query: str, args: dict) -> None:
            status, headers, body = endpoint.answer(query, self.headers.get("Accept", ""),
                                                    {k: v for k, v in args.items()})
            self._send(status, body, headers)

    return Handler
