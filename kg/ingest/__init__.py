"""Ingest: read a report file, decode, clean (with an offset map), metadata, sections.

>>> doc = load_text("月浦镇2020年法治政府建设工作报告\\n一、主要举措和成效\\n(一)普法。")
>>> doc.meta.government, doc.meta.year, doc.sections[0].role
('月浦镇', 2020, 'measures')

No spaCy here: this stage only needs the standard library, NumPy, OpenCC, charset-normalizer,
selectolax, python-docx and pdfplumber/pypdf.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional, Union

from kg.errors import InputError
from kg.records import Document

__all__ = ["load_document", "load_text", "load_bytes", "SUPPORTED_SUFFIXES"]

#: File suffixes ``kg build`` picks up in folders (the content decides the reader).
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".docx", ".pdf")


def load_document(path: Union[str, Path], gazetteer=None) -> Document:
    """Read, decode, clean and parse one report file.

    Raises :class:`~kg.errors.InputError` for input that cannot be read (missing,
    empty, binary, corrupt .docx, encrypted or image-only PDF, HTML without a body).
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as err:
        raise InputError(str(path), "no such file", "check the path") from err
    except IsADirectoryError as err:
        raise InputError(str(path), "is a folder, not a file", "pass the report files inside") from err
    except OSError as err:
        raise InputError(str(path), f"cannot read the file ({err.strerror})", "check permissions") from err
    return load_bytes(raw, name=p.name, path=str(path), gazetteer=gazetteer)


def load_bytes(raw: bytes, name: str = "<bytes>", path: Optional[str] = None, gazetteer=None) -> Document:
    """:func:`load_document` for bytes already in memory."""
    from kg.ingest.readers import read_bytes

    path = path or name
    got = read_bytes(raw, path=path, suffix=Path(name).suffix)
    return _build(got.text, name=name, path=path, sha256=hashlib.sha256(raw).hexdigest(),
                  fmt=got.format, encoding=got.encoding, warnings=got.warnings, gazetteer=gazetteer)


def load_text(text: str, name: str = "<text>", gazetteer=None) -> Document:
    """The same pipeline from a ``str`` (tests, notebooks)."""
    return _build(text, name=name, path=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                  fmt="txt", encoding=None, warnings=[], gazetteer=gazetteer)


def _build(original: str, *, name: str, path: str, sha256: str, fmt: str, encoding: Optional[str],
           warnings: list[str], gazetteer) -> Document:
    from kg.ingest.clean import clean
    from kg.ingest.metadata import extract_meta
    from kg.ingest.sections import parse_sections

    text, offset_map = clean(original)
    if not text.strip():
        raise InputError(path, "no text left after removing page furniture",
                         "check that the file holds the report itself")
    sections = parse_sections(text)
    meta = extract_meta(text, sections, gazetteer, fields_text=original)
    warnings = list(warnings)
    if not sections:
        warnings.append("no numbered headings found (一、/(一)/1、 ...): the report has no section tree")
    if meta.government is None:
        warnings.append("reporting government not found in title, page fields, signature or opening")
    if meta.year is None:
        warnings.append("year reported on not found")
    return Document(name=name, path=path, sha256=sha256, format=fmt, encoding=encoding,
                    original=original, text=text, offset_map=offset_map, meta=meta,
                    sections=sections, warnings=warnings)
