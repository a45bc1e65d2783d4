"""Readers: raw bytes of a .txt/.html/.docx/.pdf report -> decoded text.

The format is sniffed from the content (``%PDF``, a Word zip, HTML tags), so a
report saved with the wrong extension still reads; the extension only breaks ties.
Every failure is an :class:`~kg.errors.InputError` naming the file and the fix.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Optional

from kg.errors import InputError
from kg.ingest.encoding import decode

__all__ = ["RawText", "sniff_format", "read_bytes", "html_to_text", "docx_to_text", "pdf_to_text"]

FORMATS = ("txt", "html", "docx", "pdf")
_HTML_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|div|p|table|title)\b", re.I)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@dataclass
class RawText:
    """What a reader got out of a file: the text before cleaning, and how."""

    text: str
    format: str
    encoding: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


def sniff_format(raw: bytes, suffix: str = "") -> str:
    """``txt``/``html``/``docx``/``pdf`` from the bytes; ``suffix`` (".htm") breaks ties."""
    head = raw[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if _HTML_RE.search(head if b"\x00" not in head else head.replace(b"\x00", b"")):
        return "html"
    suffix = suffix.lower().lstrip(".")
    if suffix in ("htm", "html", "shtml", "xhtml"):
        return "html"
    return "txt"


def read_bytes(raw: bytes, path: str = "<bytes>", suffix: str = "") -> RawText:
    """Read any supported report format from its bytes."""
    if not raw.strip():
        raise InputError(path, "the file is empty", "check that the download or export finished")
    fmt = sniff_format(raw, suffix)
    if fmt == "pdf":
        return RawText(pdf_to_text(raw, path), "pdf")
    if fmt == "docx":
        return RawText(docx_to_text(raw, path), "docx")
    if fmt == "doc":
        raise InputError(path, "old binary Word (.doc/.wps) format is not supported",
                         "open it in Word or LibreOffice and save as .docx")
    text, encoding, warnings = decode(raw, path)
    if fmt == "html":
        return RawText(html_to_text(text, path), "html", encoding, warnings)
    return RawText(text, "txt", encoding, warnings)


# -- HTML ---------------------------------------------------------------------------

_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "form", "button", "select", "input",
              "textarea", "svg", "link", "meta", "object", "embed", "template", "canvas", "aside")
_CHROME_ATTR = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|position|location|share|bdshare|"
    r"footer|foot|topbar|top-bar|sidebar|side|toolbar|font-?size|fontsize|print|related|xgwz|"
    r"copyright|search|login|banner|friend-?links?|tools?|gotop|back-?top|qrcode|ewm)(?:$|[\s_-])",
    re.I)
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "dd", "dt", "ul", "ol", "blockquote", "pre", "header", "footer",
               "main", "center")
_INFO_LINE = re.compile(r"(发布|发表|成文|发文|更新)(时间|日期)|来源|发布机构|发布单位|索引号")


def html_to_text(html: str, path: str = "<html>") -> str:
    """The report body of a saved government web page, as lines.

    Navigation, scripts, breadcrumbs, font-size widgets and share buttons go; the
    page title and its date/source line stay (metadata reads them; cleaning drops
    the date/source line from the cleaned text).
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = _page_title(tree)
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("[class], [id]"):
        attrs = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _CHROME_ATTR.search(attrs) and not _CJK_RE.search(attrs):
            if len(_CJK_RE.findall(node.text(deep=True) or "")) < 400:
                node.decompose()
    info_lines = []
    for node in tree.css("span, div, p, td, li"):
        own = (node.text(deep=True) or "").strip()
        if 4 <= len(own) <= 120 and _INFO_LINE.search(own) and "。" not in own:
            info_lines.append(re.sub(r"\s+", " ", own))
    for tag in _BLOCK_TAGS:
        for node in tree.css(tag):
            node.insert_after("\n")
    body = _best_container(tree)
    if body is None:
        raise InputError(path, "the HTML page has no report body (no paragraph of Chinese text)",
                         "save the page that shows the full report, or copy its text into a .txt file")
    text = body.text(deep=True)
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", ln).strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    head = []
    if title and not any(title in ln for ln in lines[:5]):
        head.append(title)
    seen = set()
    for info in info_lines:
        if info not in seen and not any(info in ln for ln in lines + head):
            head.append(info)
            seen.add(info)
        if len(head) > 4:
            break
    return "\n".join(head + lines) + "\n"


def _page_title(tree) -> str:
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            title = re.sub(r"\s+", " ", node.text(deep=True) or "").strip()
            if selector == "title":  # "报告标题 - 某某区人民政府" -> the report title
                title = re.split(r"\s*[-_|—]{1,2}\s*", title)[0]
            if _CJK_RE.search(title):
                return title
    return ""


def _best_container(tree):
    """Readability-style choice: credit each text block to its container, best wins."""
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for node in tree.css("p, div, td, section, article, span, font, li, pre, main"):
        own = node.text(deep=False) or ""
        n = len(_CJK_RE.findall(own))
        if n < 5 or node.parent is None:
            continue
        target = node.parent if node.tag in ("p", "span", "font", "li") else node
        for weight, container in ((1.0, target), (0.5, target.parent)):
            if container is None or container.tag in ("html", "[document]"):
                continue
            key = container.mem_id
            nodes[key] = container
            scores[key] = scores.get(key, 0.0) + weight * n
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    for key, score in ranked:
        node = nodes[key]
        text = node.text(deep=True) or ""
        total = len(_CJK_RE.findall(text))
        links = sum(len(_CJK_RE.findall(a.text(deep=True) or "")) for a in node.css("a"))
        if total >= 30 and links / max(total, 1) < 0.5:
            return node
    return None


# -- DOCX ---------------------------------------------------------------------------

def docx_to_text(raw: bytes, path: str = "<docx>") -> str:
    """Paragraphs and table rows of a .docx body, in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as err:
        raise InputError(path, "corrupt .docx (not a valid zip archive)",
                         "re-download the file or re-save it from Word") from err
    if "word/document.xml" not in names:
        raise InputError(path, "a zip archive, but not a Word .docx document",
                         "unpack it and give the report file inside")
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise InputError(path, f"corrupt .docx ({err})", "re-save the file from Word or LibreOffice") from err
    except Exception as err:  # lxml.etree.XMLSyntaxError and friends
        if type(err).__module__.startswith("lxml"):
            raise InputError(path, f"corrupt .docx ({err})", "re-save the file from Word or LibreOffice") from err
        raise
    lines = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:  # merged cells repeat
                        cells.append(cell.text)
                lines.append("\t".join(cells))
    text = "\n".join(lines)
    if not _CJK_RE.search(text) and not text.strip():
        raise InputError(path, "the .docx has no text", "check that the right file was given")
    return text + "\n"


# -- PDF ----------------------------------------------------------------------------

_END_PUNCT = tuple("。！？；：:;!?”")
_LABEL_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)")


def pdf_to_text(raw: bytes, path: str = "<pdf>") -> str:
    """The text layer of a PDF, with lines wrapped by the layout joined again."""
    import pdfplumber
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "the PDF is encrypted (password protected)",
                             "remove the password (print to PDF) and try again")
    except InputError:
        raise
    except Exception as err:  # pypdf raises many kinds on broken files
        raise InputError(path, f"corrupt PDF ({type(err).__name__}: {err})",
                         "re-download the file or re-export it as PDF") from err
    pages = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
    except Exception as err:
        raise InputError(path, f"cannot read the PDF text layer ({type(err).__name__}: {err})",
                         "re-export it as PDF, or convert it to .docx/.txt") from err
    text = "\n".join(_join_wrapped(page.split("\n")) for page in pages)
    if len(re.findall(r"[\u3400-\u9fffA-Za-z0-9]", text)) < 10:
        raise InputError(path, "the PDF has no text layer (scanned images): it needs OCR",
                         "run OCR first (e.g. ocrmypdf --language chi_sim in.pdf out.pdf)")
    return text + "\n"


def _join_wrapped(lines: list[str]) -> str:
    """Join lines the PDF layout wrapped: a full-width line not ending a sentence."""
    widths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if not widths:
        return ""
    full = widths[int(len(widths) * 0.9) - 1 if len(widths) >= 10 else -1]
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (out and out[-1] and not out[-1].endswith(_END_PUNCT) and len(out[-1]) >= 0.85 * full
                and stripped and not _LABEL_START.match(stripped)):
            out[-1] += stripped
        else:
            out.append(stripped)
    return "\n".join(out)
