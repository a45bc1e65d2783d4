"""Finding report files: folders recursively, duplicates by content, refused files."""

from kg.workflow.discover import discover


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_folders_are_searched_recursively_and_other_suffixes_skipped(tmp_path):
    _write(tmp_path / "a" / "月浦镇2020.txt", "月浦镇2020年法治政府建设工作报告")
    _write(tmp_path / "a" / "b" / "坡头镇.html", "<p>坡头镇</p>")
    _write(tmp_path / "a" / "notes.csv", "x,y")
    _write(tmp_path / "a" / ".hidden.txt", "隐藏")
    found = discover([tmp_path / "a"])
    assert sorted(r.name for r in found.reports) == ["坡头镇.html", "月浦镇2020.txt"]
    assert [p.endswith("notes.csv") for p in found.skipped] == [True]


def test_explicit_file_with_unknown_suffix_is_tried(tmp_path):
    path = _write(tmp_path / "report.doc", "坡头镇2020年")
    assert [r.name for r in discover([path]).reports] == ["report.doc"]


def test_duplicate_content_kept_once_whatever_the_order(tmp_path):
    a = _write(tmp_path / "b_copy.txt", "月浦镇2020年报告")
    b = _write(tmp_path / "a_orig.txt", "月浦镇2020年报告")
    for order in ([a, b], [b, a]):
        found = discover(order)
        assert [r.name for r in found.reports] == ["a_orig.txt"]
        assert [d["name"] for d in found.duplicates] == ["b_copy.txt"]
    # the same file given twice is not a duplicate
    assert discover([a, a]).duplicates == []


def test_missing_empty_and_oversized_files_are_failures(tmp_path):
    empty = _write(tmp_path / "empty.txt", b"")
    big = _write(tmp_path / "big.txt", b"x" * 2048)
    found = discover([empty, big, tmp_path / "nope.txt"], max_bytes=1024)
    reasons = {f["name"]: f["reason"] for f in found.failures}
    assert set(reasons) == {"empty.txt", "big.txt", "nope.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "limit" in reasons["big.txt"]
    assert "no such file" in reasons["nope.txt"]
    assert found.reports == []
