"""numpy, torch, xarray, pandas and lists → DataArray with named dims."""

import numpy as np
import pandas as pd
import pytest
import torch
import xarray as xr

from vizkit.adapters import to_dataarray
from vizkit.errors import EmptyDataError, LabelError, ShapeError, UnsupportedInputError


def test_numpy_gets_named_dims_and_token_coords():
    da = to_dataarray(np.arange(6).reshape(2, 3), ("layer", "pos"), {"pos": ["a", "a", "b"]})
    assert da.dims == ("layer", "pos")
    assert list(da.coords["pos"].values) == ["a", "a", "b"]  # duplicates kept
    np.testing.assert_array_equal(da.values, np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32, torch.float64])
def test_torch_any_float_dtype_is_upcast_and_exact(dtype):
    t = torch.tensor([[0.5, -1.25], [2.0, 3.0]], dtype=dtype)
    da = to_dataarray(t, ("a", "b"))
    assert da.dtype.kind == "f" and da.dtype.itemsize >= 4
    np.testing.assert_array_equal(da.values, t.to(torch.float64).numpy())


def test_torch_requires_grad_and_int_and_bool():
    t = torch.ones(2, 2, requires_grad=True) * 3
    assert to_dataarray(t).values.sum() == 12
    assert to_dataarray(torch.tensor([1, 2])).values.tolist() == [1, 2]
    assert to_dataarray(torch.tensor([True, False])).values.tolist() == [1, 0]


def test_xarray_is_kept_and_renamed():
    src = xr.DataArray(np.zeros((2, 3)), dims=("x", "y"), coords={"y": ["p", "q", "r"]})
    assert to_dataarray(src) is src
    da = to_dataarray(src, ("layer", "pos"))
    assert da.dims == ("layer", "pos") and list(da.coords["pos"].values) == ["p", "q", "r"]


def test_pandas_frame_and_series():
    df = pd.DataFrame({"run a": [1.0, 2.0], "run b": [3.0, 4.0]}, index=pd.Index([10, 20], name="step"))
    da = to_dataarray(df)
    assert da.dims == ("step", "column") and list(da.coords["column"].values) == ["run a", "run b"]
    s = pd.Series([1.0, 2.0, 3.0], name="loss")
    assert to_dataarray(s).dims == ("index",)


def test_nested_lists_and_lists_of_tensors():
    assert to_dataarray([[1, 2], [3, 4]]).shape == (2, 2)
    assert to_dataarray([torch.zeros(3), torch.ones(3)]).values.sum() == 3


@pytest.mark.parametrize(
    "data, dims, coords, error, words",
    [
        (np.zeros((2, 3)), ("a",), None, ShapeError, r"1 dim names \('a',\) for data of shape \(2, 3\)"),
        (np.zeros((2, 3)), ("a", "b"), {"b": ["x"]}, LabelError, "got 1 labels but dim 'b' has length 3"),
        (np.zeros((0, 3)), None, None, EmptyDataError, "empty array of shape"),
        ([[1, 2], [3]], None, None, UnsupportedInputError, "rectangular list"),
        ("hello", None, None, UnsupportedInputError, "expected a numpy array"),
        ({1: 2}, None, None, UnsupportedInputError, "got dict"),
    ],
)
def test_bad_input_says_what_was_expected_and_what_came(data, dims, coords, error, words):
    with pytest.raises(error, match=words):
        to_dataarray(data, dims, coords)


def test_a_first_figure_imports_no_dask_and_dask_data_still_reads_as_dask():
    """xarray would import dask.array on the first DataArray (0.5-1 s of a notebook's first figure); vizkit
    keeps that lazy, and a Dask array made afterwards is still recognised (chunked, computed by Dask)."""
    import subprocess
    import sys

    pytest.importorskip("dask.array")
    script = (
        "import sys, numpy as np, vizkit as vk\n"
        "fig = vk.imshow(np.arange(6.0).reshape(2, 3)); fig.to_json()\n"
        "vk.attention(np.full((2, 2, 3, 3), 1 / 3)).to_json()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'dask'], 'dask imported by a numpy figure'\n"
        "import dask.array as da, xarray as xr\n"
        "from xarray.namedarray.pycompat import is_duck_dask_array\n"
        "x = xr.DataArray(da.ones((4, 4), chunks=2))\n"
        "assert x.chunks == ((2, 2), (2, 2)) and is_duck_dask_array(x.data), x\n"
        "fig = vk.hist(da.arange(100, chunks=10), nbins=10)\n"
        "print([int(v) for v in fig.panels[0].marks[0].y])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str([10] * 10)
