"""Readers: small html/docx/pdf fixtures built here, and every way input can be bad."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import load_document
from kg.ingest.readers import read_bytes, sniff_format

REPORT_LINES = [
    "坡头镇人民政府关于2019年度法治政府建设的工作报告",
    "2019年,在区委、区政府的正确领导下,我镇始终坚持以习近平新时代中国特色社会主义思想为指导。",
    "一、主要工作措施及成效",
    "（一）健全网络，完善制度。我镇健全了依法治理工作网络。",
    "二、我镇法治政府建设工作中存在的问题",
    "群众认识不够全面，依法治镇工作缺乏广泛的群众参与。",
    "三、下一步工作计划",
    "继续深入开展普法宣传。",
]

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}">
<title>坡头镇人民政府关于2019年度法治政府建设的工作报告 - 湛江市坡头区人民政府网</title>
<script>var menu = "一、这是脚本里的文字，不是报告"; document.write(menu);</script>
<style>.zoom {{ font-size: 16px }}</style></head>
<body>
<div class="top-bar"><a href="/">首页</a> | <a href="/wza">无障碍</a> | <a>长者版</a></div>
<div class="nav"><ul><li><a>首页</a></li><li><a>政务公开</a></li><li><a>政务服务</a></li><li><a>互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; <a>法治政府建设年度报告</a></div>
<div class="article">
 <h1>{title}</h1>
 <div class="info"><span>发布时间：2020-02-21 10:02</span><span>来源：本网</span>
  <span class="font-size">字号：<a>【大】</a><a>【中】</a><a>【小】</a></span></div>
 <div id="zoom" class="TRS_Editor">{body}</div>
 <div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
 <div class="related">相关链接：<a>坡头镇2018年度法治政府建设报告</a></div>
</div>
<div class="footer">主办单位：湛江市坡头区人民政府 网站标识码 4408040001 粤ICP备12345678号</div>
</body></html>"""


def make_page(charset: str = "utf-8") -> str:
    body = "".join(f"<p>　　{line}</p>" for line in REPORT_LINES[1:])
    return PAGE.format(charset=charset, title=REPORT_LINES[0], body=body)


def make_docx(lines: list[str], *, table: bool = False) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "项目", "数量"
        grid.cell(1, 0).text, grid.cell(1, 1).text = "法律咨询", "139人次"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: list[str] | None, *, encrypt: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if lines is None:  # a scan: drawings only, no text layer
        pdf.set_fill_color(40, 40, 40)
        for i in range(20):
            pdf.rect(20, 20 + i * 10, 150, 4, style="F")
    else:
        pdf.set_font("Helvetica", size=12)
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    if encrypt:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        writer = pypdf.PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.encrypt(user_password=encrypt, owner_password=encrypt)
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
    return data


# -- HTML ----------------------------------------------------------------------------

@pytest.mark.parametrize("charset, codec", [("utf-8", "utf-8"), ("gb2312", "gbk")])
def test_html_keeps_body_drops_chrome(tmp_path, charset, codec):
    path = tmp_path / "report.html"
    path.write_bytes(make_page(charset).encode(codec))
    doc = load_document(path)
    assert doc.format == "html"
    for line in ("一、主要工作措施及成效", "(一)健全网络,完善制度。我镇健全了依法治理工作网络。", "继续深入开展普法宣传。"):
        assert line in doc.text.split("\n")
    for chrome in ("脚本", "政务服务", "当前位置", "字号", "分享到", "相关链接", "主办单位", "font-size", "无障碍"):
        assert chrome not in doc.text, chrome
    assert doc.text.startswith(REPORT_LINES[0])
    assert [s.role for s in doc.sections] == ["measures", "shortcomings", "plans"]
    assert doc.meta.government == "坡头镇" and doc.meta.year == 2019
    assert doc.meta.date == "2020-02-21"  # from the page's 发布时间 line


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(make_page(), encoding="utf-8")
    doc = load_document(path)
    assert doc.format == "html" and "<p>" not in doc.text


def test_html_without_report_body(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("<html><body><div class='nav'><a>首页</a><a>政务公开</a></div>"
                    "<div>页面不存在</div></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no report body"):
        load_document(path)


# -- DOCX ----------------------------------------------------------------------------

def test_docx_paragraphs_and_tables(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(make_docx(REPORT_LINES, table=True))
    doc = load_document(path)
    assert doc.format == "docx" and doc.encoding is None
    assert doc.text.split("\n")[:3] == REPORT_LINES[:3]
    assert "法律咨询\t139人次" in doc.original
    assert [s.heading for s in doc.sections] == ["主要工作措施及成效", "我镇法治政府建设工作中存在的问题",
                                                 "下一步工作计划"]


def test_docx_with_wrong_extension(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_docx(REPORT_LINES))
    assert load_document(path).format == "docx"


@pytest.mark.parametrize("raw, message", [
    (b"PK\x03\x04" + b"\x00garbage" * 50, "corrupt .docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old binary Word"),
])
def test_bad_word_files(tmp_path, raw, message):
    path = tmp_path / "report.docx"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=message) as info:
        load_document(path)
    assert info.value.fix


def test_zip_that_is_not_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("report.txt", "法治政府建设")
    path = tmp_path / "reports.zip"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="not a Word"):
        load_document(path)


# -- PDF -----------------------------------------------------------------------------

ASCII_LINES = ["Rule of law government report 2020", "1. Measures and results",
               "The town legal aid station answered 139 consultations."]


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(ASCII_LINES))
    doc = load_document(path)
    assert doc.format == "pdf"
    for line in ASCII_LINES:
        assert line in doc.text
    assert doc.sections and doc.sections[0].label == "1."


def test_pdf_image_only_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(None))
    with pytest.raises(InputError, match="needs OCR"):
        load_document(path)


def test_pdf_encrypted(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(make_pdf(ASCII_LINES, encrypt="secret"))
    with pytest.raises(InputError, match="encrypted"):
        load_document(path)


def test_pdf_truncated(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(make_pdf(ASCII_LINES)[:300])
    with pytest.raises(InputError, match="PDF"):
        load_document(path)


# -- plain text and sniffing -----------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_txt_encodings_give_same_document(tmp_path, codec):
    text = "\n".join(REPORT_LINES) + "\n"
    path = tmp_path / f"report-{codec}.txt"
    path.write_bytes(text.encode(codec))
    doc = load_document(path)
    reference = load_document_text(text)
    assert doc.text == reference.text
    assert doc.meta == reference.meta
    assert doc.name == path.name and len(doc.sha256) == 64


def load_document_text(text: str):
    from kg.ingest import load_text

    return load_text(text)


def test_big5_traditional_report_is_simplified(tmp_path):
    text = "小龍門鄉2024年法治政府建設情況報告\n一、2024年度推進法治政府建設的主要舉措和成效\n（一）加強鄉鎮政府職能轉變。\n"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    doc = load_document(path)
    assert doc.encoding == "big5"
    assert doc.text.startswith("小龙门乡2024年法治政府建设情况报告")
    assert doc.meta.government == "小龙门乡"
    assert doc.sections[0].role == "measures"


@pytest.mark.parametrize("raw, suffix, expected", [
    (b"%PDF-1.7\n...", ".txt", "pdf"),
    (b"PK\x03\x04....", ".txt", "docx"),
    ("<html><body><p>法治</p></body></html>".encode(), ".txt", "html"),
    ("法治政府建设".encode(), ".htm", "html"),
    ("法治政府建设".encode(), ".txt", "txt"),
])
def test_sniff_format(raw, suffix, expected):
    assert sniff_format(raw, suffix) == expected


@pytest.mark.parametrize("name", ["missing.txt"])
def test_missing_file(tmp_path, name):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / name)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_document(path)


def test_read_bytes_reports_encoding_warning():
    got = read_bytes((("的" + "鑫淼焱垚犇骉麟鹏") * 6).encode("gbk"), "odd.txt")
    assert got.warnings and "low confidence" in got.warnings[0]


def test_pdf_wrapped_lines_are_joined():
    from kg.ingest.readers import _join_wrapped

    lines = ["一、主要工作措施及成效", "(一)健全网络,完善制度。我镇健全了依法治理工作网络,为使依法治理工作",
             "顺利开展,我镇及时制定了工作方案。", "(二)推进依法行政,建设和谐坡头", "1、健全完善镇党委、政府决策程序。"]
    assert _join_wrapped(lines).split("\n") == [
        "一、主要工作措施及成效",
        "(一)健全网络,完善制度。我镇健全了依法治理工作网络,为使依法治理工作顺利开展,我镇及时制定了工作方案。",
        "(二)推进依法行政,建设和谐坡头",
        "1、健全完善镇党委、政府决策程序。",
    ]


def test_html_old_table_layout_with_br(tmp_path):
    body = "<br>".join(f"&nbsp;&nbsp;{line}" for line in REPORT_LINES[1:])
    page = (f"<html><head><title>{REPORT_LINES[0]}_湛江市坡头区人民政府</title></head><body>"
            "<table><tr><td class='menu'><a>首页</a> <a>政务公开</a> <a>办事服务</a></td></tr>"
            f"<tr><td><table><tr><td class='position'>您现在的位置：<a>首页</a> > <a>法治政府</a></td></tr>"
            f"<tr><td>{body}</td></tr></table></td></tr>"
            "<tr><td class='foot'>版权所有 坡头区人民政府</td></tr></table></body></html>")
    doc = load_document_bytes(page.encode("gbk"), tmp_path / "page.htm")
    assert doc.text.split("\n")[0] == REPORT_LINES[0]
    assert "一、主要工作措施及成效" in doc.text.split("\n")
    for chrome in ("办事服务", "您现在的位置", "版权所有"):
        assert chrome not in doc.text
    assert [s.role for s in doc.sections] == ["measures", "shortcomings", "plans"]


def load_document_bytes(raw: bytes, path: Path):
    path.write_bytes(raw)
    return load_document(path)
