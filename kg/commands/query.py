"""``kg query``, ``kg serve`` and ``kg push``: thin wrappers over :mod:`kg.query`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from kg.cli import app
from kg.errors import GovKGError, QueryError
from kg.query.store import DEFAULT_STORE

STORE_OPTION = typer.Option(DEFAULT_STORE, "--store", help="Oxigraph store directory (written by kg build).")


def parse_params(pairs: Optional[List[str]]) -> dict[str, str]:
    """``["government=月浦镇", ...]`` -> ``{"government": "月浦镇"}``."""
    params: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: write KEY=VALUE, e.g. --param government=月浦镇")
        params[key.strip()] = value
    return params


def describe_library() -> str:
    """The canned queries with their questions and parameters, for ``--list``."""
    from kg.query.sparql import list_queries

    blocks = []
    for info in list_queries():
        lines = [f"{info.name}  —  {info.title}", f"    {info.question}"]
        for p in info.params:
            need = "optional" if p.optional else "required"
            lines.append(f"    --param {p.name}=…  ({p.kind}, {need}) {p.description}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@app.command()
def query(
    query: Optional[str] = typer.Argument(None, help="A library query name, a .rq file, or SPARQL text."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="KEY=VALUE, repeatable."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json | tsv"),
    store: Path = STORE_OPTION,
    list_: bool = typer.Option(False, "--list", help="List the canned queries and exit."),
) -> None:
    """Run a SPARQL query (a canned one by name, a .rq file or text) on the store."""
    from kg.query.sparql import format_result, run_query

    if list_:
        typer.echo(describe_library(), nl=False)
        return
    if not query:
        raise QueryError("kg query: give a query name, a .rq file or SPARQL text (or --list)")
    result = run_query(query, parse_params(param), store=store)
    typer.echo(format_result(result, fmt), nl=False)


@app.command()
def serve(
    store: Path = STORE_OPTION,
    port: int = typer.Option(7878, "--port", help="Port to listen on (0 = any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; other than 127.0.0.1 needs --allow-remote."),
    allow_remote: bool = typer.Option(False, "--allow-remote", help="Allow binding an address other than 127.0.0.1."),
    timeout: float = typer.Option(30.0, "--timeout", help="Cancel a query after this many seconds."),
    limit: int = typer.Option(10_000, "--limit", help="Return at most this many solutions/triples."),
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (Ctrl-C stops it)."""
    from kg.query.server import Endpoint

    endpoint = Endpoint(store, host=host, port=port, timeout=timeout, limit=limit, allow_remote=allow_remote)
    if endpoint.warning:
        typer.secho(endpoint.warning, fg=typer.colors.YELLOW, err=True)
    endpoint.start()
    typer.echo(f"SPARQL endpoint (read-only, timeout {timeout:g} s, limit {limit}): {endpoint.url}")
    endpoint.serve_forever()


@app.command()
def push(
    endpoint: str = typer.Option(..., "--endpoint", help="Graph Store Protocol URL, e.g. http://localhost:7878/store"),
    store: Path = STORE_OPTION,
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Read each graph back and compare counts."),
    user: Optional[str] = typer.Option(None, "--user", help="HTTP basic-auth user name for the endpoint."),
    password_env: str = typer.Option(
        "GOVKG_PUSH_PASSWORD", "--password-env",
        help="Environment variable holding the password for --user (never on the command line)."),
) -> None:
    """Upload every named graph to another SPARQL 1.1 store (HTTP PUT per graph)."""
    from kg.query.push import push as push_graphs

    auth = None
    if user is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise GovKGError(f"kg push --user {user}: no password in ${password_env} "
                             f"(fix: export {password_env}=… or name another variable with --password-env)")
        auth = (user, password)
    sent = push_graphs(endpoint, store, verify=verify, auth=auth)
    typer.echo(f"pushed {len(sent)} graphs, {sum(sent.values())} triples to {endpoint}")
