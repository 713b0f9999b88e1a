"""The one-page briefing (issue 16, item 5): `targets brief` on a small store whose statuses
are worked by hand, read back as text, fonts and a PNG; the demo label on a demo store; the
province's page; the errors a person can act on."""

from __future__ import annotations

import io
import re
import struct

import pytest
from PIL import Image
from pypdf import PdfReader

from dashboard import briefing
from etl.published import KIND
from etl.store import Store
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main
from tests.factories import make_rows

CHANGCHUN = "220100"
# 长春市 in 2018 (the catalogue's targets):
#   jzbf17-02 城市主次干道机械化清扫率 at least 100 % by 2018-12: 71 -> missed, 29 points short
#   jzbf17-04 公共交通机动化出行分担率 at least 26 % by 2018-12: 28.39 -> met
#   jzbf16-03 企业投资项目审批事项数 at most 44 by 2018-06: 50 -> missed, 6 over (lower is better)
# and in 2017 one value (transit 25), so 2017 has data: then every 2018 target was not yet
# due, so since 2017: 1 newly met, 2 newly missed. Rate 1 / 3 = 33 %; no other prefecture has
# a verdict, so 长春市 ranks first of nine.
VALUES = [
    (CHANGCHUN, "mechanized_sweeping_rate", 2018, 71.0),
    (CHANGCHUN, "transit_modal_share", 2018, 28.39),
    (CHANGCHUN, "investment_approval_items_per_level", 2018, 50.0),
    (CHANGCHUN, "transit_modal_share", 2017, 25.0),
]
TARGET_ID = re.compile(r"jz[a-z]{2}\d{2}-\d{2}")


def pdf_text(path_or_bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    reader = PdfReader(source)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def flat(text: str) -> str:
    """The text without whitespace: a table cell may wrap anywhere."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A store with the four values above, loaded as published figures."""
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 'store.sqlite'}"
    Store(url).load(make_rows(*VALUES), by="test", source="统计公报", kind=KIND, accept=True)
    return url


@pytest.fixture(scope="module")
def changchun_pdf(small, tmp_path_factory):
    output = tmp_path_factory.mktemp("out") / "changchun.pdf"
    assert main(["--database", small, "--lang", "zh", "brief", "--region", "长春市",
                 "--year", "2018", "-o", str(output)]) == 0
    return output


def due_and_later(code: str, year: int) -> tuple[int, int]:
    """The targets that apply to a region, due by `year` and later, from the catalogue."""
    reference = Reference.load()
    classes = set(reference.register.memberships.query("region_code == @code")["region_class"])
    targets = reference.catalogue.targets_frame
    applies = targets[targets["region_class"].isin(classes)]
    # An ongoing task is due every year.
    deadline = applies["deadline"].replace("ongoing", str(year)).str[:4].astype(int)
    return int((deadline <= year).sum()), int((deadline > year).sum())


def test_the_briefing_says_what_was_met_and_missed_by_whom_and_where_it_is_written(
        changchun_pdf):
    text = pdf_text(changchun_pdf)
    squeezed = flat(text)
    assert "长春市2018年目标完成情况简报" in squeezed
    assert "数据截至2018年" in squeezed
    due, later = due_and_later(CHANGCHUN, 2018)
    # met, met late, missed, due without data, not yet due
    assert f"1已达标（含逾期）0逾期达标2未达标{due - 3}到期无数据{later}未到期" in squeezed
    assert "达标率33%：到期且有结论的3项目标中已达标1项（含逾期达标0项）" in squeezed
    assert "在9个地级行政区中排第1位" in squeezed
    assert "与2017年相比：新达标1项，新未达标2项" in squeezed
    assert "已发布数据：来源见附注" in squeezed
    # The behind targets with their units, gaps worded by direction, and source clauses.
    assert "城市主次干道机械化清扫率" in squeezed and "71%（2018年）" in squeezed
    assert "落后29百分点" in squeezed
    assert "超出6个" in squeezed  # at most 44: 50 is over, not "ahead"
    assert "吉政办发〔2018〕17号三(一)2" in squeezed
    assert "吉政办发〔2018〕16号二(一)" in squeezed
    assert not TARGET_ID.search(text) and CHANGCHUN not in text


def test_the_chinese_font_is_embedded(changchun_pdf):
    fonts = PdfReader(changchun_pdf).pages[0]["/Resources"]["/Font"]
    names = []
    for reference in fonts.values():
        font = reference.get_object()
        names.append(str(font["/BaseFont"]))
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the glyphs travel with the file
    assert names and all("WenQuanYi" in name for name in names)


def test_the_png_is_the_same_a4_page(small, tmp_path):
    output = tmp_path / "brief.png"
    assert main(["--database", small, "brief", "--region", CHANGCHUN, "--year", "2018",
                 "-o", str(output)]) == 0
    data = output.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert abs(height / width - 297 / 210) < 0.01
    assert width >= 1000  # readable when printed
    # Not a blank page: the ink of the title and the tables is there.
    image = Image.open(io.BytesIO(data)).convert("L")
    assert image.getextrema()[0] < 100


def test_the_default_file_name_and_english(small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--database", small, "--lang", "en", "brief", "--region", "220100",
                 "--year", "2018"]) == 0
    squeezed = flat(pdf_text((tmp_path / "briefing-220100-2018.pdf").read_bytes()))
    assert "ChangchunCity:targetsin2018" in squeezed
    assert "29percentagepointsshort" in squeezed and "6itemsover" in squeezed
    assert "Ranked1of9prefecture-leveldivisions" in squeezed


def test_the_province_lists_its_divisions_instead_of_a_rank(small, tmp_path):
    output = tmp_path / "province.pdf"
    assert main(["--database", small, "brief", "--region", "吉林省", "--year", "2018",
                 "-o", str(output)]) == 0
    squeezed = flat(pdf_text(output))
    assert "吉林省2018年目标完成情况简报" in squeezed
    assert "各市（州）达标率" in squeezed and "排第" not in squeezed
    assert "长春市33%1/3" in squeezed  # the one division with a verdict, first
    for name in ("吉林市", "四平市", "辽源市", "通化市", "白山市", "松原市", "白城市",
                 "延边朝鲜族自治州"):
        assert f"{name}—0/0" in squeezed
    assert "无达标率" in squeezed  # the province's own targets: none has a value


def test_a_demo_store_is_labelled_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert main(["--database", url, "demo"]) == 0
    output = tmp_path / "demo.pdf"
    assert main(["--database", url, "brief", "--region", "延吉市", "--year", "2020",
                 "-o", str(output)]) == 0
    squeezed = flat(pdf_text(output))
    assert "演示数据：并非真实统计" in squeezed and "延吉市2020年" in squeezed
    assert "与2019年相比" in squeezed


@pytest.mark.parametrize(("region", "year", "message"), [
    ("不存在市", "2018", "未知地区“不存在市” / unknown region"),
    ("220100", "2031", "2031年没有数据（有数据的年份：2017、2018） / no data for 2031"),
    ("全国", "2018", "全国没有适用的目标"),
])
def test_what_cannot_be_briefed_is_said_in_both_languages(small, tmp_path, capsys, region,
                                                          year, message):
    output = tmp_path / "none.pdf"
    assert main(["--database", small, "brief", "--region", region, "--year", year,
                 "-o", str(output)]) == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


def test_without_a_chinese_font_the_briefing_says_so(small, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(briefing, "_fc_match", lambda: None)
    monkeypatch.setattr(briefing, "FONT_FALLBACK", tmp_path / "missing.ttc")
    assert main(["--database", small, "brief", "--region", CHANGCHUN, "--year", "2018",
                 "-o", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert "找不到中文字体" in err and "no CJK font found" in err


def test_the_map_is_drawn_when_given_and_its_slot_left_out_otherwise(small):
    reference = Reference.load()
    values = Store(small).current()
    now = status_table(values, reference, 2018)
    picture = io.BytesIO()
    Image.new("RGB", (600, 400), (0, 158, 115)).save(picture, format="PNG")
    with_map = briefing.briefing_pdf(now, None, reference, CHANGCHUN, 2018,
                                     map_png=picture.getvalue())
    without = briefing.briefing_pdf(now, None, reference, CHANGCHUN, 2018)
    assert _images(with_map) == 1 and _images(without) == 0
    assert "无2017年数据可比" in flat(pdf_text(without))
    # The province in English, map and divisions side by side: still one page.
    province = briefing.briefing_pdf(now, None, reference, "220000", 2018, "en",
                                     map_png=picture.getvalue())
    assert _images(province) == 1
    assert "Jilin Province: targets in 2018" in pdf_text(province)


def _images(pdf: bytes) -> int:
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    objects = resources.get("/XObject")
    if objects is None:
        return 0
    return sum(1 for item in objects.get_object().values()
               if item.get_object()["/Subtype"] == "/Image")


def test_the_command_draws_the_map_of_the_regions_level(changchun_pdf):
    # plotly's static export (Chromium) drew the prefectures' tile map into the page.
    page = PdfReader(str(changchun_pdf)).pages[0]
    assert len(page.images) == 1
    assert page.images[0].image.size[0] >= 600


def test_a_map_that_cannot_be_drawn_leaves_the_briefing_whole(small, tmp_path, monkeypatch):
    import plotly.graph_objects as go

    def broken(*args, **kwargs):
        raise RuntimeError("no Chromium here")

    monkeypatch.setattr(go.Figure, "to_image", broken)
    output = tmp_path / "without-map.pdf"
    assert main(["--database", small, "brief", "--region", "220100", "--year", "2018",
                 "-o", str(output)]) == 0
    page = PdfReader(str(output)).pages[0]
    assert len(page.images) == 0 and "长春市" in page.extract_text()
