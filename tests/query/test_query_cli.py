"""kg query: the command-line face of the library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.query.sparql import list_queries

from queryfix import REPO

runner = CliRunner()


def test_list_shows_every_query_with_its_question_and_params():
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for info in list_queries():
        assert info.name in result.output and info.question in result.output
    assert "--param programme=…  (label, required)" in result.output


@pytest.mark.parametrize(
    "args, expected",
    [
        (["governments_implementing_programme", "--param", "programme=新时代枫桥经验", "-f", "csv"],
         "government_name,level,years,measures\r\n坡头镇,township,2021,1\r\n月浦镇,township,2020,1\r\n"),
        (["laws_ranked", "-f", "tsv"], None),
        (["measures_by_category", "-p", "government=坡头镇", "-f", "table"], "矛盾纠纷化解"),
    ],
)
def test_query_by_name(disk_store, args, expected):
    result = runner.invoke(app, ["query", *args, "--store", str(disk_store)])
    assert result.exit_code == 0, result.output
    if args[-1] == "csv":
        assert result.output.splitlines() == expected.splitlines()
    elif args[-1] == "tsv":
        assert result.output.splitlines()[0] == "?law_name\t?governments\t?reports\t?measures"
        assert len(result.output.splitlines()) == 3
    else:
        assert expected in result.output


def test_query_text_as_json(disk_store):
    result = runner.invoke(app, ["query", "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/govkg/ontology#Report> }",
                                 "--format", "json", "--store", str(disk_store)])
    assert json.loads(result.output)["results"]["bindings"][0]["n"]["value"] == "3"


@pytest.mark.parametrize(
    "args",
    [
        ["governments_implementing_programme"],  # required param missing
        ["laws_ranked", "--param", "nonsense"],  # not KEY=VALUE
        ["no_such_query"],
        [],
    ],
)
def test_bad_invocations_raise_query_errors(disk_store, args):
    result = runner.invoke(app, ["query", *args, "--store", str(disk_store)])
    assert isinstance(result.exception, QueryError)


def test_errors_exit_2_with_a_message(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg", "query", "laws_ranked", "--store", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert "kg build" in proc.stderr
