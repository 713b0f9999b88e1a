"""The one-page briefing of a region or the province for a year: status tables in, an A4
PDF (fpdf2, the CJK font embedded) or a PNG of the same page (pypdfium2) out."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from dashboard.briefing_content import BehindLine, BriefingContent, briefing_content
from dashboard.figures import STATUS_COLOURS
from dashboard.i18n import t
from indicators.reference import Reference

FONT_NAME = "WenQuanYi Micro Hei"
FONT_FALLBACK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FAMILY = "cjk"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 210.0, 297.0, 14.0
BODY = PAGE_WIDTH - 2 * MARGIN
INK, MUTED, RULE = (34, 34, 34), (100, 100, 100), (210, 210, 210)
LABEL_FILL, LABEL_INK = (255, 240, 205), (140, 80, 0)
PNG_DPI = 150


class CjkFontError(RuntimeError):
    """No font with Chinese glyphs on this machine: the briefing cannot be drawn."""

    def __init__(self) -> None:
        super().__init__(
            f"找不到中文字体（{FONT_NAME}），无法生成简报；请安装 fonts-wqy-microhei / no CJK "
            f"font found ({FONT_NAME}): the briefing cannot be made; install "
            "fonts-wqy-microhei")


def cjk_font_path() -> Path:
    """The file of the CJK font: fontconfig's match for WenQuanYi Micro Hei, else the usual
    Debian path; only a font that has Chinese glyphs will do."""
    for candidate in (_fc_match(), FONT_FALLBACK):
        if candidate is not None and candidate.is_file() and _has_chinese(candidate):
            return candidate
    raise CjkFontError()


def _fc_match() -> Path | None:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", FONT_NAME], capture_output=True,
                               text=True, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found else None


def _has_chinese(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=0, lazy=True)
        return ord("中") in (font.getBestCmap() or {})
    except Exception:  # not a font fontTools reads: not one we can embed either
        return False


def briefing_label(demo: bool, published: bool, language: str) -> str | None:
    """The label a briefing carries: demo data, else published figures, else none."""
    if demo:
        return t("brief_label_demo", language)
    return t("brief_label_published", language) if published else None


def briefing_pdf(status_now: pd.DataFrame, status_before: pd.DataFrame | None,
                 reference: Reference, region_code: str, year: int, language: str = "zh", *,
                 label: str | None = None, data_as_of: int | None = None,
                 map_png: bytes | None = None,
                 not_accepted: frozenset[tuple[str, int]] | None = None) -> bytes:
    """The A4 briefing of `region_code` (or the province, 220000) for `year`, as PDF bytes.
    `status_now` / `status_before`: the whole status tables of `year` and `year - 1`;
    `label`: the demo or published label, shown when given; `map_png`: a map, drawn when
    given; `not_accepted`: in the all values view, the region's (indicator, period) not yet
    accepted, marked (see briefing_content)."""
    content = briefing_content(status_now, status_before, reference, region_code, year,
                               language, label, data_as_of, not_accepted)
    font = cjk_font_path()
    # Long names wrap: when the targets behind do not fit on one page, fewer are listed.
    for count in range(len(content.behind), -1, -1):
        pdf = _draw(content, content.behind[:count], font, map_png, language)
        if pdf.pages_count == 1:
            break
    return bytes(pdf.output())


def briefing_png(status_now: pd.DataFrame, status_before: pd.DataFrame | None,
                 reference: Reference, region_code: str, year: int, language: str = "zh", *,
                 label: str | None = None, data_as_of: int | None = None,
                 map_png: bytes | None = None,
                 not_accepted: frozenset[tuple[str, int]] | None = None) -> bytes:
    """The same page as briefing_pdf, rendered to a PNG (150 dpi, A4 proportions)."""
    return pdf_page_png(briefing_pdf(status_now, status_before, reference, region_code, year,
                                     language, label=label, data_as_of=data_as_of,
                                     map_png=map_png, not_accepted=not_accepted))


def pdf_page_png(pdf: bytes, dpi: int = PNG_DPI) -> bytes:
    """The first page of a PDF as PNG bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def _draw(content: BriefingContent, behind: list[BehindLine], font: Path,
          map_png: bytes | None, language: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FAMILY, fname=str(font))
    pdf.set_title(content.title)
    pdf.set_creator("Jilin target monitor")
    pdf.set_lang("en" if language == "en" else "zh-CN")
    pdf.add_page()
    _header(pdf, content)
    _summary(pdf, content, language)
    _map_and_peers(pdf, content, map_png, language)
    _behind(pdf, behind, language)
    _text(pdf, content.note, 7.5, MUTED)
    return pdf


def _text(pdf: FPDF, text: str, size: float, colour: tuple[int, int, int] = INK,
          height: float | None = None) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height or size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _header(pdf: FPDF, content: BriefingContent) -> None:
    _text(pdf, content.title, 18, height=10)
    if content.as_of:
        _text(pdf, content.as_of, 9, MUTED)
    if content.label:
        pdf.ln(1)
        pdf.set_fill_color(*LABEL_FILL)
        pdf.set_font(FAMILY, size=10)
        pdf.set_text_color(*LABEL_INK)
        pdf.cell(pdf.get_string_width(content.label) + 6, 7, content.label, fill=True,
                 align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _rule(pdf)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, pdf.get_y(), PAGE_WIDTH - MARGIN, pdf.get_y())
    pdf.ln(3)


def _heading(pdf: FPDF, text: str) -> None:
    _text(pdf, text, 12, height=7)
    pdf.ln(1)


def _summary(pdf: FPDF, content: BriefingContent, language: str) -> None:
    _heading(pdf, t("brief_summary", language))
    width, gap, top = (BODY - 4 * 3) / 5, 3.0, pdf.get_y()
    for index, (label, count, status) in enumerate(content.counts):
        x = MARGIN + index * (width + gap)
        pdf.set_fill_color(*_rgb(STATUS_COLOURS[status]))
        pdf.rect(x, top, 2, 16, style="F")
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, size=18)
        pdf.set_xy(x + 4, top)
        pdf.cell(width - 4, 9, str(count))
        pdf.set_font(FAMILY, size=8.5)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 4, top + 9)
        pdf.cell(width - 4, 6, label)
    pdf.set_xy(MARGIN, top + 19)
    lines = [content.rate, content.standing, content.change, content.not_yet_due]
    for line in lines:
        if line:
            _text(pdf, line, 10, height=5.5)
    pdf.ln(2)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _map_and_peers(pdf: FPDF, content: BriefingContent, map_png: bytes | None,
                   language: str) -> None:
    """The map (when given) and, for the province, the divisions' rates beside it."""
    if map_png is None and not content.peers:
        return
    top, height = pdf.get_y(), 72.0
    peers_width = 78.0 if content.peers else 0.0
    if map_png is not None:
        map_width = BODY - peers_width - (4 if content.peers else 0)
        pdf.image(io.BytesIO(map_png), x=MARGIN, y=top, w=map_width, h=height,
                  keep_aspect_ratio=True)
    bottom = top + (height if map_png is not None else 0)
    if content.peers:
        pdf.set_xy(PAGE_WIDTH - MARGIN - peers_width if map_png is not None else MARGIN, top)
        bottom = max(bottom, _peers(pdf, content, peers_width, language))
    pdf.set_xy(MARGIN, bottom + 3)


def _peers(pdf: FPDF, content: BriefingContent, width: float, language: str) -> float:
    left = pdf.get_x()
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*INK)
    pdf.cell(width, 6, t("brief_peers_title", language), new_x="LEFT", new_y="NEXT")
    pdf.set_x(left)
    _table(pdf, [t("brief_col_region", language), t("brief_col_rate", language),
                 t("brief_col_met", language)], content.peers, (36, 16, 26), width, left,
           language)
    return pdf.get_y()


def _behind(pdf: FPDF, behind: list[BehindLine], language: str) -> None:
    _heading(pdf, t("brief_behind_title", language))
    if not behind:
        _text(pdf, t("brief_behind_none", language), 10, height=6)
        return
    headings = [t(key, language) for key in ("brief_col_indicator", "brief_col_actual",
                                             "brief_col_target", "brief_col_gap",
                                             "brief_col_source")]
    rows = [(line.indicator, line.actual, line.target, line.gap, line.source)
            for line in behind]
    _table(pdf, headings, rows, (46, 30, 38, 20, 46), BODY, MARGIN, language)
    pdf.ln(3)


def _table(pdf: FPDF, headings: list[str], rows: list[tuple[str, ...]],
           widths: tuple[float, ...], width: float, left: float, language: str) -> None:
    """A table of `width` mm from `left`: Chinese wraps at any character, English at
    spaces."""
    pdf.set_left_margin(left)
    pdf.set_font(FAMILY, size=8)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)
    heading_style = FontFace(emphasis="", fill_color=(240, 240, 240), color=MUTED)
    with pdf.table(width=width, col_widths=widths, align="LEFT", text_align="LEFT",
                   line_height=4.2, padding=1, headings_style=heading_style,
                   borders_layout="HORIZONTAL_LINES",
                   wrapmode=WrapMode.WORD if language == "en" else WrapMode.CHAR) as table:
        for cells in [headings, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.set_left_margin(MARGIN)
