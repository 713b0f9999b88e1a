"""Integer codes of text columns agree with pd.factorize, whatever holds the text."""

import numpy as np
import pandas as pd
import pytest

from indicators.codes import text_codes

TEXTS = ["220100", "220200", None, "220100", "公主岭", "220200", None]


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", object,
                                   "category"])
def test_codes_agree_with_factorize(dtype):
    column = pd.Series(TEXTS, dtype=dtype)
    codes, distinct = text_codes(column)
    expected_codes, expected_distinct = pd.factorize(column)
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(distinct) == list(expected_distinct)
    assert codes.dtype.kind == "i"


def test_arrow_text_in_several_chunks_gets_one_code_per_text():
    column = pd.concat([pd.Series(["a", "b"], dtype="str"), pd.Series(["b", "c", "a"],
                                                                       dtype="str")],
                       ignore_index=True)
    codes, distinct = text_codes(column)
    assert list(distinct[codes]) == ["a", "b", "b", "c", "a"]
    assert len(distinct) == 3
