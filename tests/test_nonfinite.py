"""NaN and ±inf land where PyTorch puts them, in every output of the eight kernels, on every engine.

The naive loops of tests/reference.py fix the rule (PyTorch's CPU kernels, checked against
PyTorch itself in tests/test_torch.py): a convolution makes every product of its formula,
the padding's zeros included, and no other; max pooling sends a residual to PyTorch's
arg-max. assert_allclose compares NaN positions and the positions and signs of ±inf.
"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import convbp
import reference as ref
from engines import ENGINES, engine
from strategies import conv_configs, out_shape, pool_configs, pool_input

SPECIALS = [np.nan, np.inf, -np.inf]


@st.composite
def poisoned(draw, max_fraction=0.3):
    """(seed, fraction, which specials) for sprinkling NaN/±inf into an array."""
    specials = draw(st.lists(st.sampled_from(SPECIALS), min_size=1, max_size=3))
    return draw(st.integers(0, 2**31 - 1)), draw(st.floats(0.01, max_fraction)), specials


def sprinkle(x, how):
    """A copy of x with a random fraction of its entries replaced by the given specials (at least one)."""
    seed, fraction, specials = how
    rng = np.random.default_rng(seed)
    x = np.array(x, copy=True)
    hit = rng.random(x.shape) < fraction
    hit.flat[rng.integers(x.size)] = True
    x[hit] = rng.choice(np.array(specials), size=int(hit.sum()))
    return x


def _conv_data(cfg, poison, targets):
    rng = np.random.default_rng(cfg["seed"])
    a = rng.standard_normal(cfg["shape"])
    w = rng.standard_normal(cfg["kernel"])
    b = rng.standard_normal(cfg["kernel"][0])
    d = rng.standard_normal(out_shape(cfg["shape"], cfg["kernel"][2:], cfg["stride"], cfg["padding"], cfg["kernel"][0]))
    arrays = dict(a=a, w=w, b=b, delta=d)
    for name in targets:
        arrays[name] = sprinkle(arrays[name], poison)
    return arrays["a"], arrays["w"], arrays["b"], arrays["delta"]


def _same(got, want, dtype=np.float64):
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == want.shape
    tol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)  # NaN where NaN, ±inf where ±inf


def _conv_outputs(a, w, b, d, cfg):
    kw = dict(stride=cfg["stride"], padding=cfg["padding"])
    return (convbp.conv2d(a, w, b, **kw), convbp.conv2d_backward_input(d, w, a.shape, **kw),
            convbp.conv2d_backward_weight(d, a, w.shape, **kw), convbp.conv2d_backward_bias(d))


def _conv_reference(a, w, b, d, cfg):
    with np.errstate(invalid="ignore", over="ignore"):
        z = ref.conv2d(a, w, b, *cfg["stride"], *cfg["padding"])
        return (z,) + ref.conv2d_backward(d, a, w, *cfg["stride"], *cfg["padding"])


targets = st.lists(st.sampled_from(["a", "w", "b", "delta"]), min_size=1, max_size=4, unique=True)


@pytest.mark.parametrize("name", ENGINES)
@given(cfg=conv_configs(max_side=7), poison=poisoned(), targets=targets, dtype=st.sampled_from([np.float64, np.float32]))
def test_conv_nonfinite_positions_match_the_loops(name, cfg, poison, targets, dtype):
    a, w, b, d = _conv_data(cfg, poison, targets)
    want = _conv_reference(a, w, b, d, cfg)
    with engine(name):
        got = _conv_outputs(*(x.astype(dtype) for x in (a, w, b, d)), cfg)
    for g, expected in zip(got, want):
        assert g.dtype == dtype
        _same(g, expected, dtype)


@given(cfg=conv_configs(max_side=5, max_channels=2), poison=poisoned(), targets=targets)
def test_conv_nonfinite_on_object_arrays(cfg, poison, targets):
    # Object arrays take the same engines (by size) as floats, and float('nan') * 0 is NaN there too.
    a, w, b, d = _conv_data(cfg, poison, targets)
    want = _conv_reference(a, w, b, d, cfg)
    got = _conv_outputs(*(x.astype(object) for x in (a, w, b, d)), cfg)
    for g, expected in zip(got, want):
        _same(g, expected)


def test_the_issues_examples():
    # One NaN pixel of a 6×6 map under a 3×3 kernel reaches the 9 of the 16 outputs that read it.
    a = np.zeros((6, 6))
    a[2, 2] = np.nan
    assert np.isnan(convbp.conv2d(a, np.ones((3, 3)))).sum() == 9
    z = convbp.conv2d(np.array([[np.nan, 2], [3, 4]], dtype=object), np.array([[1]]))
    assert np.isnan(z.astype(float)).tolist() == [[True, False], [False, False]]
    # inf in the kernel meets the padding's zeros: 0 · inf = NaN on the border, as in PyTorch.
    w = np.ones((3, 3))
    w[0, 0] = np.inf
    z = convbp.conv2d(np.ones((4, 4)), w, padding=1)
    assert np.isnan(z[0]).all() and np.isnan(z[:, 0]).all() and np.isposinf(z[1:, 1:]).all()


@given(cfg=pool_configs(), poison=poisoned(max_fraction=0.6), all_minus_inf=st.booleans())
def test_pool_nonfinite_positions_match_the_loops(cfg, poison, all_minus_inf):
    a = np.full(cfg["shape"], -np.inf) if all_minus_inf else sprinkle(pool_input(cfg), poison)
    rng = np.random.default_rng(cfg["seed"] + 1)
    delta = sprinkle(rng.standard_normal(out_shape(cfg["shape"], cfg["size"], cfg["stride"], cfg["padding"])), poison)
    args = (*cfg["size"], *cfg["stride"], *cfg["padding"])
    kw = dict(stride=cfg["stride"], padding=cfg["padding"])
    with np.errstate(invalid="ignore"):
        want = [ref.max_pool2d(a, *args)[0], ref.max_pool2d_backward(delta, a, *args),
                ref.avg_pool2d(a, *args), ref.avg_pool2d_backward(delta, a.shape, *args)]
    for dtype in (np.float64, np.float32):
        x, dx = a.astype(dtype), delta.astype(dtype)
        got = [convbp.max_pool2d(x, cfg["size"], **kw), convbp.max_pool2d_backward(dx, x, cfg["size"], **kw),
               convbp.avg_pool2d(x, cfg["size"], **kw), convbp.avg_pool2d_backward(dx, x.shape, cfg["size"], **kw)]
        for g, expected in zip(got, want):
            assert g.dtype == dtype
            _same(g, expected, dtype)


@given(cfg=pool_configs(max_side=5), poison=poisoned(max_fraction=0.6))
def test_avg_pool_nonfinite_on_object_arrays(cfg, poison):
    a = sprinkle(pool_input(cfg), poison)
    delta = sprinkle(np.random.default_rng(cfg["seed"]).standard_normal(out_shape(cfg["shape"], cfg["size"], cfg["stride"], cfg["padding"])), poison)
    args = (*cfg["size"], *cfg["stride"], *cfg["padding"])
    kw = dict(stride=cfg["stride"], padding=cfg["padding"])
    with np.errstate(invalid="ignore"):
        _same(convbp.avg_pool2d(a.astype(object), cfg["size"], **kw), ref.avg_pool2d(a, *args))
        _same(convbp.avg_pool2d_backward(delta.astype(object), a.shape, cfg["size"], **kw), ref.avg_pool2d_backward(delta, a.shape, *args))


def test_max_pool_minus_infinity_next_to_padding_keeps_its_gradient():
    a = np.full((5, 6), -np.inf)
    g = convbp.max_pool2d_backward(np.ones((5, 6)), a, 3, stride=1, padding=1)
    assert g.sum() == 30  # every window's residual reaches an input, none is cropped with the padding
    assert g[0, 0] == 4  # the first input position of the four windows that hold it first


def test_max_pool_two_nans_send_the_residual_to_the_last():
    a = np.array([[1.0, np.nan], [np.nan, 5.0]])
    np.testing.assert_array_equal(convbp.max_pool2d_backward([[3.0]], a, 2), [[0, 0], [3, 0]])
