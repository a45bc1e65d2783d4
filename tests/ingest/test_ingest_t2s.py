"""unchanged_by_t2s: never True for a text that OpenCC t2s would change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import opencc
import pytest

from kg.ingest.t2s import _CHANGING, _CHANGING_PHRASES, unchanged_by_t2s

_T2S = opencc.OpenCC("t2s")


def test_every_character_left_out_converts_to_itself():
    # one call for all of them: t2s entries never span a line break
    kept = [chr(c) for c in range(0x80, 0x2FA20) if not 0xD800 <= c < 0xE000 and chr(c) not in _CHANGING]
    joined = "\n".join(kept)
    assert _T2S.convert(joined) == joined


def test_tables_catch_known_changes():
    assert not unchanged_by_t2s("法治政府建設")
    assert not unchanged_by_t2s("工作反覆研究")  # 覆 alone stays, 反覆 -> 反复
    assert unchanged_by_t2s("全面覆盖")
    assert _T2S.convert("全面覆盖") == "全面覆盖"
    assert not unchanged_by_t2s("\uf900")  # a compatibility ideograph
    assert unchanged_by_t2s("") and unchanged_by_t2s("abc 123")


def _dictionary_entries(tmp_path: Path) -> list[tuple[str, str]]:
    clib = Path(opencc.__file__).parent / "clib"
    tool = clib / "bin" / "opencc_dict"
    if not tool.exists() and shutil.which("opencc_dict") is None:
        pytest.skip("opencc_dict not installed")
    entries = []
    for name in ("CJK_Compatibility_Ideographs", "TSPhrases", "TSCharactersExt", "TSCharacters"):
        source = clib / "share" / "opencc" / f"{name}.ocd2"
        if not source.exists():
            pytest.skip(f"{source} not found")
        out = tmp_path / f"{name}.txt"
        subprocess.run([str(tool if tool.exists() else "opencc_dict"), "-i", str(source), "-o", str(out),
                        "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
        for line in out.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            entries.append((key, values.split(" ")[0]))
    return entries


def test_every_dictionary_entry_it_calls_unchanged_is(tmp_path):
    entries = _dictionary_entries(tmp_path)
    assert len(entries) > 5000
    for key, value in entries:
        if unchanged_by_t2s(key):
            assert value == key and _T2S.convert(key) == key, key
    for trigger, phrases in _CHANGING_PHRASES.items():
        assert all(trigger in phrase and _T2S.convert(phrase) != phrase for phrase in phrases)
