"""Which Python Binder builds this repository with, decided as repo2docker decides.

Binder builds the repository with repo2docker (release 2026.04.0, whose Python buildpack
this mirrors). It reads its configuration files from `binder/` or `.binder/` when one of
those folders exists (both at once is an error) and from the root otherwise. The Python
version comes from `runtime.txt` ("python-3.11", optionally followed by a date). Without
one, repo2docker takes its default, Python 3.10; only when there is no binder folder and
`pyproject.toml`'s `requires-python` excludes that default does it fall back to the
newest version it supports that the specifier admits.

`make lock` pins the requirements for this version and the Binder-like test builds its
fresh environment with it, so both see what Binder sees.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

DEFAULT = "3.10"  # repo2docker's major_pythons["3"]
SUPPORTED = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
_RUNTIME = re.compile(r"^python-(\d+(?:\.\d+)*)(?:-\d{4}-\d{2}-\d{2})?$")


def binder_dir(root: Path) -> Path:
    """The folder repo2docker reads its configuration from."""
    has_binder, has_dot = (root / "binder").is_dir(), (root / ".binder").is_dir()
    if has_binder and has_dot:
        raise ValueError(f"{root}: both binder/ and .binder/ exist; repo2docker accepts only one")
    return root / ".binder" if has_dot else root / "binder" if has_binder else root


def python_version(root: Path) -> tuple[str, str]:
    """(major.minor, where it came from): 'runtime.txt', 'default' or 'pyproject.toml'."""
    config = binder_dir(root)
    runtime = config / "runtime.txt"
    if runtime.exists():
        text = runtime.read_text(encoding="utf-8").strip()
        match = _RUNTIME.match(text)
        if not match:
            raise ValueError(f"{runtime}: expected 'python-X.Y' (optionally '-YYYY-MM-DD'), got {text!r}")
        parts = match.group(1).split(".")
        if len(parts) < 2:
            return DEFAULT, "default"
        return ".".join(parts[:2]), "runtime.txt"
    pyproject = root / "pyproject.toml"
    if config == root and pyproject.exists():
        from packaging.specifiers import SpecifierSet

        spec = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("requires-python")
        if spec and DEFAULT not in SpecifierSet(spec):
            admitted = list(SpecifierSet(spec).filter(SUPPORTED))
            if not admitted:
                raise ValueError(f"{pyproject}: requires-python {spec!r} admits no Python repo2docker supports")
            return admitted[-1], "pyproject.toml"
    return DEFAULT, "default"


def interpreter(version: str) -> str | None:
    """Path of a `pythonX.Y` on PATH, or None."""
    return shutil.which(f"python{version}")


if __name__ == "__main__":  # `python scripts/binder_python.py` prints the interpreter, for make
    import sys

    version, _ = python_version(Path(__file__).resolve().parents[1])
    found = interpreter(version)
    if not found:
        sys.exit(f"python{version} (the version Binder uses, see runtime.txt) is not installed")
    print(found)
