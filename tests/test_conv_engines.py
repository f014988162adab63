"""Each implementation behind conv2d and its gradients (tests/engines.py), forced in turn, against the naive loops.

Which one runs depends on sizes, so each is forced here over the same hypothesis
configurations.
"""

import threading

import numpy as np
import pytest
from hypothesis import given

import convbp
import reference as ref
from convbp import _dense, _unfold, conv
from engines import ENGINES, engine
from strategies import conv_configs
from test_conv import _data, _kw


@pytest.mark.parametrize("name", ENGINES)
@given(cfg=conv_configs())
def test_each_engine_matches_the_loops(name, cfg):
    a, w, b, delta = _data(cfg)
    da, dw, _ = ref.conv2d_backward(delta, a, w, *cfg["stride"], *cfg["padding"])
    with engine(name):
        z = convbp.conv2d(a, w, b, **_kw(cfg))
        got_da = convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg))
        got_dw = convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg))
    np.testing.assert_allclose(z, ref.conv2d(a, w, b, *cfg["stride"], *cfg["padding"]), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_da, da, atol=1e-10)
    np.testing.assert_allclose(got_dw, dw, atol=1e-10)


@pytest.mark.parametrize("name", ENGINES)
@given(cfg=conv_configs(max_side=7, max_channels=2))
def test_each_engine_keeps_float32(name, cfg):
    a, w, b, delta = _data(cfg, np.float32)
    with engine(name):
        outs = [convbp.conv2d(a, w, b, **_kw(cfg)), convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg)),
                convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg))]
    want = [ref.conv2d(a, w, b, *cfg["stride"], *cfg["padding"])] + list(ref.conv2d_backward(delta, a, w, *cfg["stride"], *cfg["padding"])[:2])
    for got, expected in zip(outs, want):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_layers_of_the_same_size_but_other_padding():
    # One geometry's windows are cached (_windows.window): a layer with the same sizes but
    # another padding must get its own, and zeros where its own padding is.
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 6, 6))
    w = rng.standard_normal((4, 3, 3, 3))
    with engine("im2col"):
        for padding in [(1, 1), (0, 2), (2, 0), (1, 1)]:
            np.testing.assert_allclose(convbp.conv2d(a, w, padding=padding), ref.conv2d(a, w, np.zeros(4), 1, 1, *padding), atol=1e-12)


def test_threaded_groups_give_the_same_numbers_every_time():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((9, 3, 8, 8)).astype(np.float32)
    d = rng.standard_normal((9, 5, 8, 8)).astype(np.float32)
    with engine("im2col in groups on threads"):
        first = convbp.conv2d_backward_weight(d, a, (5, 3, 3, 3), padding=1)
        for _ in range(20):
            assert np.array_equal(convbp.conv2d_backward_weight(d, a, (5, 3, 3, 3), padding=1), first)


def test_the_engines_are_chosen_by_size():
    assert conv._engine((8, 8), (3, 3), 1, 6, (8, 8)) is _dense  # the digits network
    assert conv._engine((3, 3), (2, 2), 1, 1, (2, 2)) is _dense  # the lecture's example
    assert conv._engine((32, 32), (3, 3), 16, 32, (32, 32)) is _unfold


def test_dense_matrix_is_the_lectures_matrix():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 3))
    for stride, padding in [((1, 1), (0, 0)), ((2, 2), (1, 1)), ((1, 2), (2, 0))]:
        m = _dense.matrix(w[None, None], (5, 6), stride, padding)
        np.testing.assert_allclose(m, convbp.unroll.conv_matrix(w, (5, 6), stride=stride, padding=padding), atol=1e-15)


def test_threaded_groups_work_in_a_forked_child():
    # The thread pool does not survive fork(); a child must get its own instead of waiting forever.
    import multiprocessing as mp

    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 2, 7, 7))
    w = rng.standard_normal((3, 2, 3, 3))
    with engine("im2col in groups on threads"):
        want = convbp.conv2d(a, w, padding=1)
        both = threading.Barrier(2)  # make sure the parent's pool has started both of its threads
        for f in [_unfold._executor().submit(both.wait) for _ in range(2)]:
            f.result(timeout=10)
        ctx = mp.get_context("fork")
        with ctx.Pool(1) as pool:
            got = pool.apply_async(_conv_in_child, (a, w)).get(timeout=60)
    np.testing.assert_allclose(got, want, atol=1e-12)


def _conv_in_child(a, w):
    with engine("im2col in groups on threads"):
        return convbp.conv2d(a, w, padding=1)
