"""What every evaluation is judged against: the catalogue of targets and the region register."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from indicators.regions import RegionRegister, load_regions


@dataclass(frozen=True)
class Reference:
    """The catalogue and the region register, loaded once."""

    catalogue: Catalogue
    register: RegionRegister

    @classmethod
    def load(cls) -> Reference:
        return cls(load_catalogue(), load_regions())

    @cached_property
    def region_names(self) -> pd.DataFrame:
        names = self.register.regions[["code", "name_zh", "name_en"]].drop_duplicates("code")
        return names.rename(columns={"code": "region_code", "name_zh": "region_zh",
                                     "name_en": "region_en"})

    @cached_property
    def indicator_names(self) -> pd.DataFrame:
        return self.catalogue.indicators_frame[["indicator_id", "indicator_zh", "indicator_en",
                                                "unit", "theme"]]
