"""The first independent check: sympy differentiates the forward expression built by the kernels.

J = Σ δ ⊙ conv2d(a, w, b) on arrays of symbols; ∂J/∂a, ∂J/∂w, ∂J/∂b from sympy.diff must equal,
term for term, what the backward kernels return on the same symbols.
"""

import numpy as np
import pytest
import sympy

import convbp
from convbp.symbolic import derivative_grid, symbol_grid, symbol_tensor
from engines import engine

CONFIGS = [
    # (a shape, w shape, stride, padding)
    ((1, 1, 3, 3), (1, 1, 2, 2), 1, 0),          # the lecture's example
    ((1, 2, 4, 4), (3, 2, 2, 2), 1, 0),          # several input channels and kernels
    ((1, 1, 5, 5), (1, 1, 3, 3), 2, 0),          # stride 2: zero insertion
    ((1, 1, 4, 3), (2, 1, 2, 2), 1, 1),          # zero padding, non-square
    ((2, 2, 5, 4), (2, 2, 3, 2), (2, 1), (1, 0)),  # everything at once, uneven sizes
    ((1, 1, 4, 4), (1, 1, 1, 1), 3, 0),          # 1×1 kernel, stride larger than the kernel
]


def _symbols(a_shape, w_shape, stride, padding):
    a, w = symbol_tensor("a", a_shape), symbol_tensor("w", w_shape)
    b = np.array([sympy.Symbol(f"b{k + 1}") for k in range(w_shape[0])], dtype=object)
    z = convbp.conv2d(a, w, b, stride=stride, padding=padding)
    delta = symbol_tensor("delta", z.shape)
    J = sympy.expand(np.sum(delta * z))
    return a, w, b, delta, J


def _equal(x, y):
    return all(sympy.expand(p - q) == 0 for p, q in zip(np.ravel(x), np.ravel(y)))


@pytest.mark.parametrize("name", ["dense", "im2col"])
@pytest.mark.parametrize("a_shape,w_shape,stride,padding", CONFIGS)
def test_backward_kernels_equal_sympy_derivatives(a_shape, w_shape, stride, padding, name):
    # Both engines, each differentiated through its own forward pass.
    with engine(name):
        a, w, b, delta, J = _symbols(a_shape, w_shape, stride, padding)
        kw = dict(stride=stride, padding=padding)
        assert _equal(convbp.conv2d_backward_input(delta, w, a.shape, **kw), derivative_grid(J, a))
        assert _equal(convbp.conv2d_backward_weight(delta, a, w.shape, **kw), derivative_grid(J, w))
        assert _equal(convbp.conv2d_backward_bias(delta), derivative_grid(J, b))
        assert _equal(convbp.blocks.residual_before_conv(delta, w, a.shape, **kw), derivative_grid(J, a))


def test_lecture_z_equations_come_out_of_conv2d():
    a, w = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2)
    z = convbp.conv2d(a, w, sympy.Symbol("b"))
    expected = {
        (0, 0): "a11*w11 + a12*w12 + a21*w21 + a22*w22 + b",
        (0, 1): "a12*w11 + a13*w12 + a22*w21 + a23*w22 + b",
        (1, 0): "a21*w11 + a22*w12 + a31*w21 + a32*w22 + b",
        (1, 1): "a22*w11 + a23*w12 + a32*w21 + a33*w22 + b",
    }
    for idx, text in expected.items():
        assert sympy.expand(z[idx] - sympy.sympify(text)) == 0


def test_lecture_residuals_come_out_of_the_backward_kernel():
    w, d = symbol_grid("w", 2, 2), symbol_grid("delta", 2, 2)
    g = convbp.conv2d_backward_input(d, w, (3, 3))
    d11, d12, d21, d22 = d.ravel()
    w11, w12, w21, w22 = w.ravel()
    assert g[0, 0] == d11 * w11
    assert sympy.expand(g[0, 1] - (d11 * w12 + d12 * w11)) == 0
    assert sympy.expand(g[1, 1] - (d11 * w22 + d12 * w21 + d21 * w12 + d22 * w11)) == 0


@pytest.mark.parametrize("size,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0))])
def test_avg_pool_backward_equals_sympy_derivative(size, stride, padding):
    a = symbol_tensor("a", (1, 2, 5, 5))
    z = convbp.avg_pool2d(a, size, stride=stride, padding=padding)
    delta = symbol_tensor("delta", z.shape)
    J = sympy.expand(np.sum(delta * z))
    assert _equal(convbp.avg_pool2d_backward(delta, a.shape, size, stride=stride, padding=padding), derivative_grid(J, a))


@pytest.mark.parametrize("size,stride", [(2, None), (3, 2), (2, 1)])
def test_max_pool_backward_equals_sympy_derivative_of_max(size, stride):
    # sympy differentiates Max(...) of each window; evaluated where the entries are distinct.
    rng = np.random.default_rng(3)
    values = rng.permutation(36).reshape(6, 6).astype(float)
    a = symbol_grid("a", 6, 6)
    m, s = (size, size), (stride or size, stride or size)
    z = convbp.max_pool2d(values, size, stride=stride)
    delta = rng.standard_normal(z.shape)
    J = sum(delta[u, v] * sympy.Max(*a[u * s[0] : u * s[0] + m[0], v * s[1] : v * s[1] + m[1]].ravel())
            for u in range(z.shape[0]) for v in range(z.shape[1]))
    at = dict(zip(a.ravel(), values.ravel()))
    expected = np.array([float(sympy.diff(J, x).subs(at)) for x in a.ravel()]).reshape(6, 6)
    np.testing.assert_allclose(convbp.max_pool2d_backward(delta, values, size, stride=stride), expected)
