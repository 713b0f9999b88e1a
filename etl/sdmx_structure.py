"""The SDMX structure of the extracts (etl.sdmx): codelists, concepts, two DSDs and dataflows.

Written as an SDMX-ML 2.1 structure message by sdmx1 (https://sdmx1.readthedocs.io, module
`sdmx`: its information model `sdmx.model.v21` and `sdmx.to_xml`). SDMX ids follow the SDMX
2.1 IDType (`[A-Za-z0-9_@$-]+`, the pattern of the SDMX-ML 2.1 schemas): structures and
concepts upper-case; codes keep the product's own ids (GB/T 2260 region codes, catalogue
indicator and target ids), which are valid ids as they are; unit codes are the product's unit
names upper-cased, " / " written _PER_.

The agency JL_TARGETS is this product's own, not an official SDMX agency: the structures are
the product's, and no SDMX registry maintains them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sdmx
from sdmx.message import Header, StructureMessage
from sdmx.model import common, v21

from etl.sdmx_ids import AGENCY, TARGETS_FLOW, VALUES_FLOW, VERSION, unit_id
from indicators.catalogue import REGION_CLASS_NAMES
from indicators.labels import KIND_LABELS
from indicators.reference import Reference
from indicators.units import parse_unit, unit_label

REVIEW_CODES = (("ACCEPTED", "已确认", "Accepted"),
                ("NOT_ACCEPTED", "未确认", "Not yet accepted"))
DATA_KIND_CODES = (("DEMO", "演示数据（虚构，并非统计）", "Demo data (invented, not statistics)"),
                   ("REPORTED", "报送或公布的数值", "Reported or published value"))

CONCEPTS: dict[str, tuple[str, str]] = {
    "REGION": ("地区（统计用区划代码）", "Region (statistical division code)"),
    "INDICATOR": ("指标", "Indicator"),
    "TIME_PERIOD": ("年份（数值所属年份；目标为到期年份）",
                    "Year (of the value; for a target, the year it is due)"),
    "OBS_VALUE": ("数值，按指标的公布精度", "Value, at the indicator's published precision"),
    "UNIT_MEASURE": ("单位", "Unit of measure"),
    "REVIEW_STATUS": ("审核状态：是否为已确认数值", "Review status: whether the value is accepted"),
    "DATA_KIND": ("数据类别：演示数据或真实数值", "Kind of data: demo or real"),
    "SOURCE": ("来源（载入的文件或公布来源）", "Source (the file loaded or the published source)"),
    "TARGET": ("目标（目录中的目标代码）", "Target (the catalogue's target id)"),
    "REGION_CLASS": ("目标适用的地区类别", "Class of regions the target applies to"),
    "TARGET_KIND": ("目标类型", "Kind of target"),
    "UPPER_BOUND": ("区间目标的上限", "Upper bound of a range target"),
    "DEADLINE": ("目标期限（公报所定）", "Deadline (as the gazette sets it)"),
    "DOCUMENT": ("文件（文号）", "Document (its number)"),
    "CLAUSE": ("条款", "Clause"),
}


def _names(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


class _Builder:
    """Structures of one message, all maintained by AGENCY at VERSION."""

    def __init__(self) -> None:
        self.agency = common.Agency(id=AGENCY, name=_names(
            "吉林省目标监测（本产品，非官方 SDMX 机构）",
            "Jilin target monitor (this product, not an official SDMX agency)"))
        self.concepts = self._maintained(
            common.ConceptScheme, "CS_JL_TARGETS", "吉林省目标监测的概念",
            "Concepts of the Jilin target monitor")
        for key, (zh, en) in CONCEPTS.items():
            self.concepts.append(common.Concept(id=key, name=_names(zh, en)))
        self.codelists: dict[str, common.Codelist] = {}

    def _maintained(self, kind: type, key: str, zh: str, en: str, **extra: object) -> object:
        return kind(id=key, name=_names(zh, en), maintainer=self.agency, version=VERSION,
                    is_final=False, is_external_reference=False, **extra)

    def codelist(self, key: str, zh: str, en: str,
                 codes: Iterable[tuple[str, str, str]]) -> common.Codelist:
        codelist = self._maintained(common.Codelist, key, zh, en)
        for code, code_zh, code_en in codes:
            codelist.append(common.Code(id=code, name=_names(code_zh, code_en)))
        self.codelists[key] = codelist
        return codelist

    def dsd(self, key: str, zh: str, en: str, dimensions: dict[str, common.Codelist | None],
            attributes: dict[str, common.Codelist | None]) -> v21.DataStructureDefinition:
        dsd = self._maintained(v21.DataStructureDefinition, key, zh, en)
        # The SDMX-ML 2.1 schema fixes these three ids.
        dsd.dimensions.id, dsd.measures.id = "DimensionDescriptor", "MeasureDescriptor"
        dsd.attributes.id = "AttributeDescriptor"
        for order, (name, codes) in enumerate(dimensions.items(), start=1):
            concept = self.concepts[name]
            if name == "TIME_PERIOD":
                dsd.dimensions.append(v21.TimeDimension(
                    id=name, concept_identity=concept, order=order,
                    local_representation=_text(common.FacetValueType.gregorianYear)))
            else:
                dsd.dimensions.getdefault(name, concept_identity=concept, order=order,
                                          local_representation=_coded(codes))
        dsd.measures.getdefault("OBS_VALUE", concept_identity=self.concepts["OBS_VALUE"],
                                local_representation=_text(common.FacetValueType.double))
        for name, codes in attributes.items():
            dsd.attributes.getdefault(
                name, concept_identity=self.concepts[name],
                related_to=v21.PrimaryMeasureRelationship(),
                usage_status=common.UsageStatus.conditional,
                local_representation=_coded(codes) if codes is not None
                else _text(common.FacetValueType.string))
        return dsd

    def dataflow(self, key: str, zh: str, en: str,
                 dsd: v21.DataStructureDefinition) -> v21.DataflowDefinition:
        return self._maintained(v21.DataflowDefinition, key, zh, en, structure=dsd)


def _coded(codes: common.Codelist | None) -> common.Representation:
    return common.Representation(enumerated=codes)


def _text(kind: common.FacetValueType) -> common.Representation:
    return common.Representation(non_enumerated=[common.Facet(value_type=kind)])


def structure_message(reference: Reference) -> StructureMessage:
    """The codelists, concepts, the two DSDs and their dataflows, as one structure message."""
    build = _Builder()
    regions = build.codelist("CL_REGION", "地区", "Regions", (
        (row.region_code, row.region_zh, row.region_en)
        for row in reference.region_names.itertuples()))
    indicators = build.codelist("CL_INDICATOR", "指标", "Indicators", (
        (row.indicator_id, row.indicator_zh, row.indicator_en)
        for row in reference.indicator_names.itertuples()))
    units = build.codelist("CL_UNIT", "单位", "Units of measure", _units(reference))
    review = build.codelist("CL_REVIEW_STATUS", "审核状态", "Review status", REVIEW_CODES)
    kind = build.codelist("CL_DATA_KIND", "数据类别", "Kind of data", DATA_KIND_CODES)
    targets = reference.catalogue.targets_frame
    target_codes = build.codelist("CL_TARGET", "目标", "Targets", (
        (row.target_id, str(row.quote_zh), f"{row.indicator_en} ({row.document} {row.clause})")
        for row in targets.itertuples()))
    classes = build.codelist("CL_REGION_CLASS", "地区类别", "Region classes", (
        (str(member.value), zh, en) for member, (zh, en) in REGION_CLASS_NAMES.items()))
    kinds = build.codelist("CL_TARGET_KIND", "目标类型", "Kinds of target", (
        (str(member.value), zh, en) for member, (zh, en) in KIND_LABELS.items()))

    values_dsd = build.dsd(
        "DSD_TARGET_VALUES", "各地区指标数值", "Values of the indicators by region",
        {"REGION": regions, "INDICATOR": indicators, "TIME_PERIOD": None},
        {"UNIT_MEASURE": units, "REVIEW_STATUS": review, "DATA_KIND": kind, "SOURCE": None})
    targets_dsd = build.dsd(
        "DSD_TARGETS", "公报所定目标", "Targets set by the gazette",
        {"TARGET": target_codes, "INDICATOR": indicators, "REGION_CLASS": classes,
         "TIME_PERIOD": None},
        {"UNIT_MEASURE": units, "TARGET_KIND": kinds, "UPPER_BOUND": None, "DEADLINE": None,
         "DOCUMENT": None, "CLAUSE": None})
    message = StructureMessage(header=Header(id="JL_TARGETS_STRUCTURE", sender=build.agency))
    for structure in (*build.codelists.values(), build.concepts, values_dsd, targets_dsd,
                      build.dataflow(VALUES_FLOW, "各地区指标数值", "Values of the indicators "
                                     "by region", values_dsd),
                      build.dataflow(TARGETS_FLOW, "吉林省人民政府公报2018年第11期所定目标",
                                     "Targets of the Jilin gazette 2018 No. 11", targets_dsd)):
        message.add(structure)
    return message


def _units(reference: Reference) -> list[tuple[str, str, str]]:
    """Every unit of an indicator or a target, as (code, Chinese label, English label)."""
    catalogue = reference.catalogue
    names = {str(parse_unit(unit)) for unit in (
        *(indicator.unit for indicator in catalogue.indicators.values()),
        *catalogue.targets_frame["unit"])}
    return [(unit_id(name), unit_label(name, "zh"), unit_label(name, "en"))
            for name in sorted(names)]


def structure_xml(reference: Reference) -> bytes:
    """The structure message as SDMX-ML 2.1 (UTF-8)."""
    return bytes(sdmx.to_xml(structure_message(reference), pretty_print=True))
