"""The statuses a judged target can have, each defined once, in display order (best first)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Our status of a target for a region (indicators.evaluate). A member equals and hashes
    as its string, so frames hold plain strings and tables keyed by members take them."""

    MET = "met"
    MET_LATE = "met_late"  # met after the deadline, on a later year's value
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NO_DATA = "no_data"


class OpenSdgStatus(StrEnum):
    """Open SDG's status of a series (indicators.opensdg), on the same scale as Status."""

    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL = "substantial"
    MODERATE = "moderate"
    LIMITED = "limited"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"
