"""The Chinese and English labels of the codes the domain core names: statuses, target kinds."""

from __future__ import annotations

from indicators.catalogue import TargetKind
from indicators.statuses import OpenSdgStatus, Status

# Labels of the values the domain core names, by member, shared by the pages
# (dashboard.i18n's TEXT) and the extracts' label columns and data dictionary (etl.dictionary).
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.MET: ("已达标", "Met"),
    Status.MET_LATE: ("逾期达标", "Met late"),
    Status.MISSED: ("未达标", "Missed"),
    Status.ON_TRACK: ("进展顺利", "On track"),
    Status.AT_RISK: ("有风险", "At risk"),
    Status.OFF_TRACK: ("进度滞后", "Off track"),
    Status.NO_DATA: ("无数据", "No data"),
}
OPENSDG_STATUS_LABELS: dict[OpenSdgStatus, tuple[str, str]] = {
    OpenSdgStatus.TARGET_ACHIEVED: ("已达目标", "Target achieved"),
    OpenSdgStatus.SUBSTANTIAL: ("进展显著", "Substantial progress"),
    OpenSdgStatus.MODERATE: ("进展一般", "Moderate progress"),
    OpenSdgStatus.LIMITED: ("进展有限", "Limited progress"),
    OpenSdgStatus.DETERIORATION: ("倒退", "Deterioration"),
    OpenSdgStatus.NOT_AVAILABLE: ("无法评估", "Not available"),
}
KIND_LABELS: dict[TargetKind, tuple[str, str]] = {
    TargetKind.AT_LEAST: ("不低于", "at least"),
    TargetKind.AT_MOST: ("不高于", "at most"),
    TargetKind.EQUAL: ("等于", "equal to"),
    TargetKind.RANGE: ("区间", "between"),
    TargetKind.COUNT_RANGE: ("数量区间", "count between"),
    TargetKind.HIGHER_THAN_PREVIOUS: ("高于上年", "higher than the year before"),
    TargetKind.LOWER_THAN_PREVIOUS: ("低于上年", "lower than the year before"),
    TargetKind.ANNUAL_STEP: ("每年增加", "a step each year"),
    TargetKind.REDUCTION_VS_BASELINE: ("较基期减少", "reduction from the baseline"),
    TargetKind.CUMULATIVE: ("累计", "cumulative"),
    TargetKind.ZERO: ("清零", "down to zero"),
    TargetKind.MILESTONE: ("按期完成", "done by the deadline"),
}
