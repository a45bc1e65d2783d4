"""kg.ttl's shared triples: the merge of the reports' sorted lists, repeats dropped."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.workflow import assemble

lines = st.lists(st.sampled_from([f"<http://e/{i}> <http://p> \"{i % 7}\" .\n".encode() for i in range(40)]),
                 max_size=30)


@settings(max_examples=60, deadline=None)
@given(files=st.lists(lines, max_size=12), fan_in=st.integers(2, 5), missing_newline=st.booleans())
def test_merge_is_the_sorted_union(tmp_path_factory, files, fan_in, missing_newline):
    folder = tmp_path_factory.mktemp("merge")
    paths = []
    for i, content in enumerate(files):
        path = folder / f"{i}.nt"
        data = b"".join(sorted(content))
        if missing_newline and data:
            data = data[:-1]  # a last line without its newline still counts once
        path.write_bytes(data)
        paths.append(path)
    original = assemble.MERGE_FAN_IN
    assemble.MERGE_FAN_IN = fan_in  # several passes with few files open
    try:
        out = io.BytesIO()
        count = assemble.merge_sorted_unique(paths, out, folder)
    finally:
        assemble.MERGE_FAN_IN = original
    expected = sorted({line for content in files for line in content})
    assert out.getvalue() == b"".join(expected)
    assert count == len(expected)


def test_kg_jsonld_joins_the_report_objects_and_skips_empty_ones(tmp_path):
    """Pieces larger than the copy buffer are copied whole; reports without triples add
    nothing; the result is one JSON-LD document: the context, then the graph objects."""
    import json

    from kg.cache import ReportCache
    from kg.graph.jsonld import Compactor, document_head

    cache = ReportCache(tmp_path / "cache", "fp")
    cache.folder.mkdir(parents=True)
    big = {"@id": "http://e/big", "text": "法" * (assemble._COPY // 2)}  # > _COPY in UTF-8
    pieces = {"a": b"", "b": json.dumps(big, ensure_ascii=False).encode("utf-8"), "c": b"",
              "d": b'{"@id": "http://e/d"}', "e": b""}
    for sha, piece in pieces.items():
        cache.path(sha, "jsonld").write_bytes(piece)
    head = document_head(Compactor({"ex": "http://e/", "bad": "http://e/x"}, "http://e/"))
    assemble.write_jsonld(tmp_path / "kg.jsonld", cache, list(pieces), head)
    context = {"@base": "http://e/", "ex": "http://e/"}  # a prefix not ending in / or # is left out
    assert json.loads((tmp_path / "kg.jsonld").read_text("utf-8")) == {
        "@context": context, "@graph": [big, {"@id": "http://e/d"}]}
    assemble.write_jsonld(tmp_path / "none.jsonld", cache, ["a", "c"], head)
    assert json.loads((tmp_path / "none.jsonld").read_text("utf-8")) == {"@context": context, "@graph": []}
