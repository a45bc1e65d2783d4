"""Property tests: the readers never crash on arbitrary bytes; they read or refuse clearly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import load_bytes

NAMES = st.sampled_from(["r.txt", "r.html", "r.htm", "r.docx", "r.pdf", "r.dat", "r"])
CHINESE = st.text(alphabet="法治政府建设报告镇司法所一二三、。，（）《》\n 2020年", min_size=1, max_size=200)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5"])


def read_or_refuse(raw: bytes, name: str):
    try:
        doc = load_bytes(raw, name=name)
    except InputError as err:
        assert err.path == name and err.reason  # names the file and says why
        return None
    assert len(doc.offset_map) == len(doc.text) + 1
    return doc


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=400), NAMES)
def test_arbitrary_bytes_are_read_or_refused(raw, name):
    read_or_refuse(raw, name)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(CHINESE, ENCODINGS, st.sampled_from(["r.txt", "r.dat"]))
def test_encoded_chinese_text_is_read_or_refused(text, encoding, name):
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    read_or_refuse(raw, name)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_zip_and_pdf_headers_with_garbage_are_refused_not_crashed(tail):
    for head, name in ((b"PK\x03\x04", "r.docx"), (b"%PDF-1.4\n", "r.pdf")):
        read_or_refuse(head + tail, name)
