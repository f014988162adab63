"""assert_grids_equal: the helper the book's derivation cells use to prove an equality."""

import numpy as np
import pytest
import sympy

import convbp
from convbp import blocks
from convbp.symbolic import assert_grids_equal, symbol_grid


def test_equal_symbolic_grids_report_every_entry():
    a, w = symbol_grid("a", 5, 5), symbol_grid("w", 3, 3)
    d = symbol_grid("delta", 2, 2)
    via_dilation = convbp.conv2d(blocks.zero_pad(blocks.dilate(d, 2), 2), blocks.rot180(w))
    via_kernel = convbp.conv2d_backward_input(d, w, (5, 5), stride=2)
    shown = assert_grids_equal(via_kernel, via_dilation)
    assert repr(shown) == "equal in all 25 entries"
    assert shown.shape == (5, 5)


def test_expressions_equal_only_after_simplifying_count_as_equal():
    x = sympy.Symbol("x")
    left = np.array([(x + 1) ** 2, sympy.sin(x) ** 2 + sympy.cos(x) ** 2], dtype=object)
    right = np.array([x**2 + 2 * x + 1, 1], dtype=object)
    assert repr(assert_grids_equal(left, right)) == "equal in all 2 entries"


def test_differing_entries_are_listed():
    a = symbol_grid("a", 3, 3)
    with pytest.raises(AssertionError) as err:
        assert_grids_equal(a, a.T)
    text = str(err.value)
    assert "differ in 6 of 9 entries" in text
    assert "(0, 1): a12 ≠ a21" in text
    assert "(0, 0)" not in text


def test_long_lists_are_cut_with_a_count():
    with pytest.raises(AssertionError, match=r"differ in 30 of 30 entries(.|\n)*… and 27 more"):
        assert_grids_equal(np.zeros(30), np.ones(30), limit=3)


def test_shapes_must_match():
    with pytest.raises(AssertionError, match=r"shape: \(2, 2\) and \(2, 3\)"):
        assert_grids_equal(np.zeros((2, 2)), np.zeros((2, 3)))


def test_numbers_agree_within_tolerance_and_nan_equals_nan():
    left = np.array([1.0, np.nan, np.inf])
    assert repr(assert_grids_equal(left, left + 1e-13)) == "equal in all 3 entries"
    with pytest.raises(AssertionError, match=r"\(0,\): 1.0 ≠ 1.001"):
        assert_grids_equal(left, left + np.array([1e-3, 0, 0]))


def test_sympy_matrix_against_numbers():
    assert repr(assert_grids_equal(sympy.zeros(2, 2), np.zeros((2, 2)))) == "equal in all 4 entries"
    with pytest.raises(AssertionError, match=r"\(1, 1\)"):
        assert_grids_equal(sympy.Matrix([[0, 0], [0, sympy.Symbol("b")]]), np.zeros((2, 2)))
