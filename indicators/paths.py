"""Where the shipped data files live."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "catalogue"
UNITS_FILE = PACKAGE_DIR / "units.txt"


def data_dir() -> Path:
    """The `data/` folder: `TARGETS_DATA_DIR` if set, else the repository's."""
    configured = os.environ.get("TARGETS_DATA_DIR")
    return Path(configured) if configured else PACKAGE_DIR.parent / "data"


def gazette_file() -> Path:
    return data_dir() / "source" / "jilin-gazette-2018-11.txt"


def regions_file() -> Path:
    return data_dir() / "regions.csv"
