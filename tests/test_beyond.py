"""The additions of issue 12 ("beyond the lecture"): the exercises of chapters 4 and 6, the bugs to
hunt in 3.1–3.3, the stride-2 residual worked with numbers, the backward pass as a transposed
convolution, and one digit's residuals through the trained network.

The exercises' solutions are run straight from the notebooks (their code ends in asserts), so a
solution that stops being true fails here; the numbers the prose states are asserted by calling
the same convbp functions with the same inputs as the chapters' cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import convbp
from convbp import blocks, gradcheck, models, nn, unroll

BOOK = Path(__file__).resolve().parents[1] / "book"


def markdown(name: str) -> str:
    cells = json.loads((BOOK / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def solution_code(name: str, label: str) -> str:
    """The ~~~python block inside the hidden solution of exercise `label` in notebook `name`."""
    text = markdown(name)
    found = re.search(r"```\{solution\} " + re.escape(label) + r"\n:class: dropdown\n(.*?)\n```", text, re.S)
    assert found, f"no hidden solution for {label} in {name}"
    code = re.findall(r"~~~python\n(.*?)~~~", found.group(1), re.S)
    assert code, f"the solution of {label} has no code"
    return "\n".join(code)


def run_solution(name: str, label: str, **names) -> dict:
    scope = dict(np=np, convbp=convbp, blocks=blocks, gradcheck=gradcheck, models=models, nn=nn,
                 unroll=unroll, **names)
    exec(compile(solution_code(name, label), f"{name}:{label}", "exec"), scope)
    return scope


def exercises(name: str) -> list[str]:
    return re.findall(r"```\{exercise\}\n:label: (ex-[\w-]+)", markdown(name))


# ---------------------------------------------------------------- chapters 4 and 6: exercises


@pytest.mark.parametrize("name, prefix", [("04_models", "ex-4-"), ("06_cnn_that_learns", "ex-6-")])
def test_chapters_4_and_6_have_three_exercises_with_hidden_solutions(name, prefix):
    labels = [e for e in exercises(name) if e.startswith(prefix)]
    assert len(labels) >= 3
    for label in labels:
        assert solution_code(name, label)


@pytest.mark.parametrize("label", ["ex-4-alexnet-conv1", "ex-4-reduction", "ex-4-v15",
                                   "ex-4-dropout-backward"])
def test_chapter_4_solutions_hold(label):
    run_solution("04_models", label)


@pytest.fixture(scope="module")
def digits():
    return nn.load_digits_split(test_size=0.25, random_state=0)


@pytest.mark.parametrize("label", ["ex-6-params", "ex-6-top-residual", "ex-6-zero-bias"])
def test_chapter_6_solutions_hold(label, digits):
    X_train, _, y_train, _ = digits
    # The identities of ex-6-top-residual hold for any weights; an untrained network keeps this fast.
    run_solution("06_cnn_that_learns", label, model=nn.digits_cnn(seed=0, channels=(16, 32)),
                 X_train=X_train, y_train=y_train)


def test_chapter_4_exercise_numbers_in_the_prose():
    text = markdown("04_models")
    for number in ("34{,}944", "105{,}415{,}200", "153{,}600", "15{,}872", "12{,}443{,}648", "77,070,336"):
        assert number in text, number
