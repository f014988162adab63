import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import convbp
from convbp.gradcheck import check_backward, check_gradient, numerical_gradient, relative_error
from convbp.symbolic import as_matrix, equations, symbol_grid, symbol_tensor
from convbp.unroll import conv_matrix, layer_counts


@given(h=st.integers(2, 7), w=st.integers(2, 7), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 1), seed=st.integers(0, 99))
def test_conv_matrix_times_input_is_conv2d(h, w, k, s, p, seed):
    k = min(k, h + 2 * p, w + 2 * p)
    rng = np.random.default_rng(seed)
    kernel, a = rng.standard_normal((k, k)), rng.standard_normal((h, w))
    M = conv_matrix(kernel, (h, w), stride=s, padding=p)
    np.testing.assert_allclose(M @ a.ravel(), convbp.conv2d(a, kernel, stride=s, padding=p).ravel(), atol=1e-12)


def test_conv_matrix_on_symbols_shows_sharing_and_sparsity():
    w = symbol_grid("w", 2, 2)
    M = conv_matrix(w, (3, 3))
    assert M.shape == (4, 9)
    assert sum(e == 0 for e in M.ravel()) == 4 * 9 - 4 * 4
    assert [list(M[r]).count(w[0, 0]) for r in range(4)] == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="w must be one 2-D kernel"):
        conv_matrix(np.ones((1, 1, 2, 2)), (3, 3))


def test_layer_counts():
    c = layer_counts((1, 28, 28), 5, 32)
    assert c["output_shape"] == (32, 24, 24)
    assert c["conv_params"] == 32 * 25 + 32
    assert c["dense_params"] == 784 * 32 * 24 * 24 + 32 * 24 * 24
    assert c["conv_connections"] == 32 * 24 * 24 * 25
    with pytest.raises(ValueError, match="out_channels"):
        layer_counts((1, 4, 4), 2, 0)


def test_gradcheck_on_a_known_function():
    x = np.array([1.0, -2.0, 3.0])
    assert check_gradient(lambda v: np.sum(v**3), 3 * x**2, x) < 1e-9
    assert relative_error(np.zeros(2), np.zeros(2)) == 0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, x, eps=0)


def test_symbol_names_follow_the_lecture():
    assert str(symbol_grid("a", 3, 3)[2, 1]) == "a32"
    assert sympy.latex(symbol_grid("delta", 2, 2)[0, 1]) == r"\delta_{12}"
    assert str(symbol_tensor("w", (2, 3, 2, 2))[1, 2, 0, 1]) == "w^{(2,3)}_{12}"
    eqs = equations("z", convbp.conv2d(symbol_grid("a", 3, 3), symbol_grid("w", 2, 2)))
    assert str(eqs[0].lhs) == "z11" and len(eqs) == 4
    assert as_matrix(np.eye(2)).shape == (2, 2)


def test_check_backward_catches_a_wrong_gradient():
    rng = np.random.default_rng(0)
    a, w, d = rng.standard_normal((5, 5)), rng.standard_normal((2, 2)), rng.standard_normal((4, 4))
    forward = lambda t: convbp.conv2d(t, w)
    right = convbp.conv2d_backward_input(d, w, a.shape)
    assert check_backward(forward, a, d, right) < 1e-8
    assert check_backward(forward, a, d, right * 1.01) > 1e-3
