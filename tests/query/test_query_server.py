"""kg serve over HTTP: a real SPARQL 1.1 Protocol endpoint that is read-only,
bound to 127.0.0.1 by default, with a query timeout and a result limit.
Every test talks loopback only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.errors import GovKGError
from kg.query.server import Endpoint, check_host

from queryfix import BASE, REPO

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@pytest.fixture()
def endpoint(disk_store):
    with Endpoint(disk_store, port=0, timeout=1, limit=50) as ep:
        yield ep


def test_sparqlwrapper_select_over_the_union_of_report_graphs(endpoint):
    client = SPARQLWrapper(endpoint.url)
    client.setQuery("PREFIX gk: <https://w3id.org/govkg/ontology#> "
                    "SELECT ?r WHERE { ?r a gk:Report } ORDER BY ?r")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["r"]["value"].rsplit("/", 1)[1] for r in rows] == [
        "aaaa000000000001", "aaaa000000000002", "bbbb000000000001"]


def test_sparqlwrapper_default_xml_and_post(endpoint):
    client = SPARQLWrapper(endpoint.url)
    client.setMethod(POST)
    client.setQuery(f"SELECT ?l WHERE {{ <{BASE}division/440804101000> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    doc = client.queryAndConvert()  # XML results -> a DOM
    assert {n.firstChild.data for n in doc.getElementsByTagName("literal")} == {"坡头镇"}


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_content_negotiation(endpoint, accept, media):
    resp = httpx.get(endpoint.url, params={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 } }"},
                     headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["content-type"].split(";")[0] == media


def test_construct_returns_rdf(endpoint):
    resp = httpx.post(endpoint.url, data={"query": f"CONSTRUCT WHERE {{ <{BASE}village/gaoling-cun> ?p ?o }}"},
                      headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    assert "高岭村" in resp.text


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("POST", "/query", {"data": {"update": "DROP ALL"}}),
        ("POST", "/query", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}),
        ("POST", "/update", {"data": {"update": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}}),
        ("GET", "/query", {"params": {"update": "DROP ALL"}}),
        ("PUT", "/store", {"params": {"graph": BASE + "graph/x"}, "content": "<http://e/a> <http://e/b> <http://e/c> ."}),
        ("DELETE", "/store", {"params": {"graph": BASE + "graph/aaaa000000000001"}}),
        ("POST", "/store", {"content": "<http://e/a> <http://e/b> <http://e/c> .",
                            "headers": {"Content-Type": "application/n-triples"}}),
    ],
)
def test_writes_are_refused(endpoint, method, path, kwargs):
    base = endpoint.url.rsplit("/", 1)[0]
    resp = httpx.request(method, base + path, **kwargs)
    assert resp.status_code == 403
    count = httpx.get(endpoint.url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                      headers={"Accept": "application/sparql-results+json"}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == 281


def test_sparqlwrapper_update_is_refused(endpoint):
    client = SPARQLWrapper(endpoint.url)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    with pytest.raises((SPARQLWrapperException, OSError)):
        client.query()


def test_update_sent_as_a_query_is_a_syntax_error(endpoint):
    resp = httpx.post(endpoint.url, data={"query": "DROP ALL"})
    assert resp.status_code == 400


def test_result_limit_truncates_and_says_so(endpoint):
    resp = httpx.get(endpoint.url, params={"query": ALL}, headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200
    assert len(resp.json()["results"]["bindings"]) == 50
    assert resp.headers["x-govkg-truncated"] == "true" and resp.headers["x-govkg-result-limit"] == "50"
    small = httpx.get(endpoint.url, params={"query": ALL + " LIMIT 7"}, headers={"Accept": "text/csv"})
    assert len(small.text.strip().splitlines()) == 1 + 7
    assert "x-govkg-truncated" not in small.headers


def test_result_limit_applies_to_construct(endpoint):
    resp = httpx.get(endpoint.url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200 and resp.headers["x-govkg-truncated"] == "true"
    assert len([line for line in resp.text.splitlines() if line.strip()]) == 50


def test_timeout_cancels_a_runaway_query(endpoint):
    started = time.monotonic()
    resp = httpx.post(endpoint.url, content=SLOW, headers={"Content-Type": "application/sparql-query"}, timeout=30)
    elapsed = time.monotonic() - started
    assert resp.status_code == 503 and "timeout" in resp.text
    assert elapsed < 4
    # the endpoint still answers afterwards
    assert httpx.get(endpoint.url, params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_bound_to_loopback_127_0_0_1_by_default(disk_store):
    with Endpoint(disk_store, port=0) as ep:
        assert ep.host == "127.0.0.1" and ep.url.startswith("http://127.0.0.1:")
        assert ep._httpd.server_address[0] == "127.0.0.1"
        assert httpx.get(ep.url, params={"query": "ASK {}"}).status_code == 200
        with pytest.raises(httpx.ConnectError):  # another loopback address: nobody listens there
            httpx.get(ep.url.replace("127.0.0.1", "127.0.0.2"), params={"query": "ASK {}"}, timeout=3)


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.2", "192.168.1.10", "example.org"])
def test_another_address_needs_allow_remote(disk_store, host):
    with pytest.raises(GovKGError, match="--allow-remote"):
        Endpoint(disk_store, host=host, port=0)
    assert "WARNING" in check_host(host, allow_remote=True)


def kg(*args) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def test_cli_refuses_another_address_without_the_flag(disk_store, free_port):
    proc = subprocess.run(kg("serve", "--store", str(disk_store), "--host", "127.0.0.2", "--port", str(free_port)),
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode != 0
    assert "--allow-remote" in proc.stderr


def test_cli_allow_remote_warns_serves_and_stops(disk_store, free_port):
    proc = subprocess.Popen(kg("serve", "--store", str(disk_store), "--host", "127.0.0.2", "--allow-remote",
                               "--port", str(free_port), "--timeout", "2", "--limit", "3"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.2:{free_port}/query" in line
        resp = httpx.get(f"http://127.0.0.2:{free_port}/query", params={"query": ALL},
                         headers={"Accept": "application/sparql-results+json"})
        assert len(resp.json()["results"]["bindings"]) == 3
        assert httpx.post(f"http://127.0.0.2:{free_port}/query", data={"update": "DROP ALL"}).status_code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert "WARNING" in err and "127.0.0.2" in err
    assert proc.returncode == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.2:{free_port}/query", params={"query": "ASK {}"}, timeout=3)


def test_the_oxigraph_child_dies_with_kg_serve(disk_store, free_port):
    proc = subprocess.Popen(kg("serve", "--store", str(disk_store), "--port", str(free_port)),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        assert "127.0.0.1" in proc.stdout.readline()
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 1
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    child = int(children[0])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    assert not _alive(child), "the oxigraph child outlived kg serve"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
