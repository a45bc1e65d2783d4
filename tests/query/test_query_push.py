"""kg push: Graph Store Protocol upload, checked against a running Oxigraph
server (read-write, loopback) as the stand-in for Fuseki/GraphDB/Virtuoso."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GovKGError
from kg.query.push import push
from kg.query.server import find_oxigraph
from kg.query.store import Store

from queryfix import BASE


@pytest.fixture()
def target(tmp_path, free_port):
    """A writable Oxigraph server on loopback; yields its base URL."""
    proc = subprocess.Popen([find_oxigraph(), "serve", "--location", str(tmp_path / "target"),
                             "--bind", f"127.0.0.1:{free_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{free_port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def remote_counts(base: str) -> dict[str, int]:
    resp = httpx.post(base + "/query", headers={"Accept": "application/sparql-results+json",
                                                "Content-Type": "application/sparql-query"},
                      content="SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {b["g"]["value"]: int(b["n"]["value"]) for b in resp.json()["results"]["bindings"]}


def test_push_copies_every_graph_with_its_count(disk_store, target):
    with Store(disk_store, read_only=True) as store:
        local = {g: store.count(g) for g in store.graphs()}
    sent = push(target + "/store", disk_store)
    assert sent == local
    assert remote_counts(target) == local
    # a second push replaces, it does not duplicate
    push(target + "/store", disk_store)
    assert remote_counts(target) == local


def test_push_replaces_a_changed_graph_only(disk_store, target):
    push(target + "/store", disk_store)
    graph = BASE + "graph/aaaa000000000002"
    with Store(disk_store) as store:
        store.replace_graph(graph, f'<{BASE}division/1> <http://www.w3.org/2000/01/rdf-schema#label> "月浦镇"@zh <{graph}> .\n'.encode())
        local = {g: store.count(g) for g in store.graphs()}
    push(target + "/store", disk_store, graphs=[graph])
    assert remote_counts(target) == local


def test_cli_push(disk_store, target):
    result = CliRunner().invoke(app, ["push", "--endpoint", target + "/store", "--store", str(disk_store)])
    assert result.exit_code == 0, result.output
    assert "pushed 3 graphs, 281 triples" in result.output


@pytest.mark.parametrize("url, message", [("ftp://example.org/store", "not an http"),
                                          ("http://127.0.0.1:9/store", "cannot reach")])
def test_push_errors_name_the_endpoint(disk_store, url, message):
    with pytest.raises(GovKGError, match=message):
        push(url, disk_store, timeout=5)


def test_push_to_a_read_only_endpoint_fails_loudly(disk_store, tmp_path):
    from kg.query.server import Endpoint

    with Endpoint(disk_store, port=0) as ep:
        with pytest.raises(GovKGError, match="answered 403"):
            push(ep.url.replace("/query", "/store"), disk_store)


class _AuthTarget:
    """A Graph Store endpoint on loopback that wants HTTP basic auth (user / secret)."""

    def __init__(self):
        import base64
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        expected = "Basic " + base64.b64encode(b"user:secret").decode()
        self.puts = []
        puts = self.puts

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="store"')
                    self.end_headers()
                    return
                puts.append((self.path, body.count(b"\n")))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def auth_target():
    server = _AuthTarget()
    yield server
    server.close()


def test_cli_push_with_basic_auth_from_the_environment(disk_store, auth_target, monkeypatch):
    args = ["push", "--endpoint", auth_target.url, "--store", str(disk_store), "--no-verify"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code != 0 and "401" in str(refused.exception or refused.output)
    missing = CliRunner().invoke(app, args + ["--user", "user"])
    assert missing.exit_code != 0 and "GOVKG_PUSH_PASSWORD" in str(missing.exception or missing.output)
    monkeypatch.setenv("STORE_SECRET", "secret")
    result = CliRunner().invoke(app, args + ["--user", "user", "--password-env", "STORE_SECRET"])
    assert result.exit_code == 0, result.output
    assert "pushed 3 graphs, 281 triples" in result.output
    assert len(auth_target.puts) == 3 and sum(n for _, n in auth_target.puts) == 281
