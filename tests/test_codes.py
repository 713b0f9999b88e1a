"""Integer codes of text columns agree with pd.factorize, whatever holds the text; a key of
several columns gets one integer per distinct key."""

import numpy as np
import pandas as pd
import pytest

from indicators.codes import key_codes, text_codes

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


def ngroups(frame: pd.DataFrame) -> np.ndarray:
    return frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()


def test_key_codes_are_equal_exactly_where_keys_are():
    frame = pd.DataFrame({"region": pd.Series(TEXTS, dtype="str"),
                          "period": [2018, 2018, 2018, 2019, 2018, 2019, 2019],
                          "unit": pd.Series(["%", "%", "%", None, "%", None, None], dtype=object)})
    np.testing.assert_array_equal(pd.factorize(key_codes(frame))[0], ngroups(frame))


def test_key_codes_of_many_distinct_values_do_not_overflow():
    # Four columns of 200,000 distinct values: (200,001)^4 > 2^62, so numbered again midway.
    rng = np.random.default_rng(6)
    frame = pd.DataFrame({f"part{i}": rng.integers(0, 200_000, 300_000) for i in range(4)})
    frame.iloc[1] = frame.iloc[0]  # one repeated key
    numbers = pd.factorize(key_codes(frame))[0]
    np.testing.assert_array_equal(numbers, ngroups(frame))
    assert numbers[0] == numbers[1]
