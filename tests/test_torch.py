"""The eight kernels against PyTorch itself, NaN and ±inf included; skipped where PyTorch is not installed.

PyTorch is not a dependency of the book (tests/reference.py encodes its rule for `make test`);
with `pip install torch` this checks that encoding against the real thing.
"""

import numpy as np
import pytest
from hypothesis import given, settings

import convbp
from engines import ENGINES, engine
from strategies import conv_configs, pool_configs, pool_input
from test_nonfinite import _conv_data, _same, poisoned, sprinkle, targets

torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional: `pip install torch` to compare with it directly)")
F = torch.nn.functional


@pytest.fixture(autouse=True)
def native_convolution():
    # float32 convolution goes through oneDNN by default, which skips the products with the
    # padding's zeros; float64 always takes PyTorch's native kernels, which make them.
    was = torch.backends.mkldnn.enabled
    torch.backends.mkldnn.enabled = False
    yield
    torch.backends.mkldnn.enabled = was


@pytest.mark.parametrize("name", ENGINES)
@settings(max_examples=100)
@given(cfg=conv_configs(max_side=7), poison=poisoned(), targets=targets)
def test_conv_matches_torch(name, cfg, poison, targets):
    for dtype in (np.float64, np.float32):
        a, w, b, d = (x.astype(dtype) for x in _conv_data(cfg, poison, targets))
        ta, tw, tb = (torch.tensor(x, requires_grad=True) for x in (a, w, b))
        tz = F.conv2d(ta, tw, tb, stride=cfg["stride"], padding=cfg["padding"])
        want = [tz.detach().numpy()] + [g.numpy() for g in torch.autograd.grad(tz, (ta, tw, tb), torch.tensor(d))]
        kw = dict(stride=cfg["stride"], padding=cfg["padding"])
        with engine(name):
            got = [convbp.conv2d(a, w, b, **kw), convbp.conv2d_backward_input(d, w, a.shape, **kw),
                   convbp.conv2d_backward_weight(d, a, w.shape, **kw), convbp.conv2d_backward_bias(d)]
        for g, expected in zip(got, want):
            _same(g, expected.astype(np.float64), dtype)


@settings(max_examples=200)
@given(cfg=pool_configs(), poison=poisoned(max_fraction=0.6))
def test_pooling_matches_torch(cfg, poison):
    for dtype in (np.float64, np.float32):
        a = sprinkle(pool_input(cfg), poison).astype(dtype)
        ta = torch.tensor(a, requires_grad=True)
        args = dict(kernel_size=cfg["size"], stride=cfg["stride"], padding=cfg["padding"])
        kw = dict(stride=cfg["stride"], padding=cfg["padding"])
        for forward, backward, pool in [(convbp.max_pool2d, lambda d: convbp.max_pool2d_backward(d, a, cfg["size"], **kw), F.max_pool2d),
                                        (convbp.avg_pool2d, lambda d: convbp.avg_pool2d_backward(d, a.shape, cfg["size"], **kw), F.avg_pool2d)]:
            tz = pool(ta, **args)
            d = sprinkle(np.random.default_rng(cfg["seed"]).standard_normal(tuple(tz.shape)), poison).astype(dtype)
            (tg,) = torch.autograd.grad(tz, (ta,), torch.tensor(d))
            _same(forward(a, cfg["size"], **kw), tz.detach().numpy().astype(np.float64), dtype)
            _same(backward(d), tg.numpy().astype(np.float64), dtype)


def test_all_minus_infinity_windows_match_torch():
    a = np.full((1, 1, 5, 6), -np.inf)
    ta = torch.tensor(a, requires_grad=True)
    tz = F.max_pool2d(ta, 3, 1, 1)
    (tg,) = torch.autograd.grad(tz, (ta,), torch.ones_like(tz))
    np.testing.assert_array_equal(convbp.max_pool2d_backward(np.ones(tz.shape), a, 3, stride=1, padding=1), tg.numpy())
