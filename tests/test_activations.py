import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

import convbp
from convbp.activations import ACTIVATIONS
from convbp.gradcheck import numerical_gradient

finite = arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30).filter(lambda x: abs(x) > 1e-3))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(z=finite)
def test_derivative_matches_finite_differences(name, z):
    f, fp = ACTIVATIONS[name]
    numeric = numerical_gradient(lambda x: np.sum(f(x)), z)
    # Absolute slack: the sum of up to 20 values rounds at ~1e-15, and the difference divides by 2ε.
    np.testing.assert_allclose(fp(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_sympy(name):
    f, fp = ACTIVATIONS[name]
    t = sympy.Symbol("t", real=True)
    symbolic = sympy.diff(f(t), t)
    for value in [-3.0, -0.5, 0.7, 2.0]:
        assert float(symbolic.subs(t, value)) == pytest.approx(float(fp(np.array(value))), rel=1e-12)
        assert sympy.simplify(fp(t) - symbolic).subs(t, value) == pytest.approx(0, abs=1e-12)


def test_float32_kept_and_no_overflow():
    z = np.array([-1000, 0, 1000], dtype=np.float32)
    for f, fp in ACTIVATIONS.values():
        assert f(z).dtype == np.float32 and fp(z).dtype == np.float32
        assert np.all(np.isfinite(f(z)))
    np.testing.assert_allclose(convbp.sigmoid(z), [0, 0.5, 1])
    assert convbp.relu_prime(np.array(0.0)) == 0
    assert convbp.sigmoid_prime(0.0) == 0.25


def test_object_arrays_map_through_sympy():
    from convbp.symbolic import symbol_grid

    z = symbol_grid("z", 1, 2)
    assert convbp.sigmoid_prime(z)[0, 0].has(sympy.exp)
    with pytest.raises(TypeError, match="z must be a real numeric"):
        convbp.relu(np.array(["a"]))
