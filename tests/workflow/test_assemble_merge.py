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
