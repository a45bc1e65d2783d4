"""Bad-input fixtures, generated in a folder: what researchers actually feed GovKG.

:func:`make_bad_inputs` writes the files and returns what each should give:
``("built", government)`` or ``("failed", words the reason must contain)``;
``("either", None)`` for files where reading or refusing are both right, as long
as the failure is a clear input error.
"""

from __future__ import annotations

import io as _io
import random
import zipfile
from pathlib import Path

#: A short real-looking report (from the bundled sample 000, first lines).
REPORT = (
    "月浦镇2020年法治政府建设工作报告\n\n"
    "2020年，月浦镇紧紧围绕镇党委、政府中心工作，不断加快建设法治政府，深入推进依法行政。\n"
    "一、推进法治政府建设的主要举措和成效\n"
    "（一）多管齐下全面推动普法工作\n"
    "1、利用重要时间节点开展宣传。结合宪法宣传周、民法典宣传月，开展法治宣传活动12场。\n"
    "（二）加强行政执法监督\n"
    "镇司法所会同镇城管中队开展行政执法案卷评查。\n"
    "二、存在的不足\n"
    "法治宣传的针对性还不够强。\n"
    "三、2021年工作计划\n"
    "继续深入学习贯彻习近平法治思想。\n"
    "上海市宝山区月浦镇人民政府\n"
    "2020年12月14日\n"
)


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = _io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(*, encrypted: bool = False, image_only: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if image_only:
        # a "scan": shapes and no text layer
        for row in range(30):
            pdf.rect(10, 10 + row * 8, 150 - (row * 7) % 60, 4, style="F")
    else:
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, "Annual report on building a law-based government 2020")
    if encrypted:
        pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    return bytes(pdf.output())


def make_bad_inputs(folder: Path, *, big_mb: int = 50) -> dict[str, tuple]:
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, tuple] = {}

    def put(name: str, data: bytes, expect: tuple) -> None:
        (folder / name).write_bytes(data)
        expected[name] = expect

    put("empty.txt", b"", ("failed", "empty"))
    put("random_bytes.txt", random.Random(8).randbytes(4096), ("failed", ""))
    put("zeros.html", b"\x00" * 2048, ("failed", ""))
    for codec in ("gbk", "gb18030", "big5", "utf-16", "utf-8-sig"):
        text = REPORT + f"（{codec}）\n"  # distinct bytes: not duplicates of each other
        if codec == "big5":  # Big5 has no simplified forms: a traditional repost
            import opencc
            text = opencc.OpenCC("s2t").convert(text)
        put(f"report_{codec}.txt", text.encode(codec), ("built", "月浦镇"))
    put("report_really_html.txt",
        f"<html><body><div class='content'>{REPORT.replace(chr(10), '<br>')}</div></body></html>"
        .encode("utf-8"), ("either", None))
    nav = "".join(f"<li><a href='/n{i}'>栏目{i}</a></li>" for i in range(300))
    script = "<script>var x = 1;" + "console.log('广告');" * 400 + "</script>"
    body = "".join(f"<p>{line}</p>" for line in REPORT.splitlines() if line)
    put("navigation_heavy.html",
        (f"<html><head><title>月浦镇2020年法治政府建设工作报告</title>{script}</head><body>"
         f"<ul class='nav'>{nav}</ul><div class='breadcrumb'>首页 > 政务公开</div>"
         f"<div class='article'>{body}</div><div class='share'>分享到：微信 微博</div>"
         f"<ul class='footer'>{nav}</ul></body></html>").encode("utf-8"), ("built", "月浦镇"))
    put("only_navigation.html",
        (f"<html><head>{script}</head><body><ul>{nav}</ul></body></html>").encode("utf-8"),
        ("either", None))
    put("report.docx", _docx(REPORT), ("built", "月浦镇"))
    put("corrupt.docx", _docx(REPORT)[:3000], ("failed", ""))
    put("zip_not_docx.docx", _zip_bytes(), ("failed", ""))
    put("encrypted.pdf", _pdf(encrypted=True), ("failed", ""))
    put("image_only.pdf", _pdf(image_only=True), ("failed", "OCR"))
    with open(folder / "huge.txt", "wb") as handle:  # sparse: cheap to make
        handle.truncate(big_mb * 1024 * 1024)
    expected["huge.txt"] = ("failed", "MB")
    no_headings = REPORT.replace("一、", "").replace("（一）", "").replace("（二）", "") \
        .replace("二、", "").replace("三、", "").replace("1、", "")
    put("no_headings.txt", no_headings.encode("utf-8"), ("built", "月浦镇"))
    put("no_government.txt",
        "关于2020年度工作情况的汇报\n\n一、主要做法\n组织学习宪法和民法典。\n二、下一步打算\n继续做好普法工作。\n"
        .encode("utf-8"), ("either", None))
    put("same_report_again.txt", REPORT.encode("utf-8"), ("duplicate", None))
    put("report_utf8.txt", REPORT.encode("utf-8"), ("built", "月浦镇"))
    put("月浦镇2020年报告（第二份）.txt",
        REPORT.replace("法治宣传活动12场", "法治宣传活动15场").encode("utf-8"), ("built", "月浦镇"))
    return expected


def _zip_bytes() -> bytes:
    buffer = _io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    return buffer.getvalue()
