"""Binder's Python: runtime.txt names it, the pins are made for it, and the docs say so.

scripts/binder_python.py mirrors how repo2docker chooses Python; these tests pin down that
choice on small repositories made here, then check this repository's own files agree.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from binder_python import DEFAULT, python_version  # noqa: E402


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


PYPROJECT_311 = '[project]\nname = "x"\nrequires-python = ">=3.11"\n'


@pytest.mark.parametrize("files, expected", [
    ({}, (DEFAULT, "default")),
    ({"runtime.txt": "python-3.12\n"}, ("3.12", "runtime.txt")),
    ({"runtime.txt": "python-3.11-2026-01-01"}, ("3.11", "runtime.txt")),
    ({"runtime.txt": "python-3"}, (DEFAULT, "default")),
    # a binder/ folder hides the root's runtime.txt, and pyproject.toml with it
    ({"binder/runtime.txt": "python-3.13", "runtime.txt": "python-3.9"}, ("3.13", "runtime.txt")),
    ({".binder/requirements.txt": "", "runtime.txt": "python-3.12"}, (DEFAULT, "default")),
    ({"binder/apt.txt": "", "pyproject.toml": PYPROJECT_311}, (DEFAULT, "default")),
    # without runtime.txt, a requires-python that excludes the default picks the newest supported
    ({"pyproject.toml": PYPROJECT_311}, ("3.14", "pyproject.toml")),
    ({"pyproject.toml": PYPROJECT_311.replace(">=3.11", ">=3.9")}, (DEFAULT, "default")),
])
def test_python_version_is_chosen_as_repo2docker_chooses(tmp_path, files, expected):
    assert python_version(repo(tmp_path, files)) == expected


@pytest.mark.parametrize("files, message", [
    ({"binder/x": "", ".binder/x": ""}, "both binder/ and .binder/"),
    ({"runtime.txt": "r-4.3-2024-01-01"}, "expected 'python-X.Y'"),
    ({"pyproject.toml": PYPROJECT_311.replace(">=3.11", ">=4")}, "admits no Python"),
])
def test_configurations_repo2docker_rejects_are_rejected(tmp_path, files, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        python_version(repo(tmp_path, files))


def test_runtime_txt_names_the_python_of_the_pins():
    assert (ROOT / "runtime.txt").exists(), "without runtime.txt Binder builds with Python 3.10"
    version, source = python_version(ROOT)
    assert source == "runtime.txt"
    header = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()[:5]
    assert f"# Made for Python {version}, the version runtime.txt gives Binder." in header, (
        "requirements.txt was not made for runtime.txt's Python: run `make lock`")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert version in SpecifierSet(requires), f"pyproject.toml's requires-python {requires!r}"
    assert f"Python {version}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_nothing_else_changes_what_binder_builds():
    """The README's Binder section says which files repo2docker reads; no others may appear."""
    others = ["environment.yml", "Pipfile", "Pipfile.lock", "postBuild", "apt.txt", "start",
              "install.R", "Project.toml", "Dockerfile", "default.nix", "setup.py"]
    assert [n for n in others if (ROOT / n).exists()] == []
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
