"""The closest this machine gets to Binder: Binder's Python, its install steps, every notebook.

repo2docker picks the Python version (runtime.txt; see scripts/binder_python.py), installs
requirements.txt (which ends with `-e .`) into a clean environment, then, because the
repository is a Python package (pyproject.toml with [project] and [build-system]), runs
`pip install .` on its copy of the repository. The reader then runs the notebooks top to
bottom. Here: a new virtual environment made with that same Python version, the same two
install steps, then every notebook of the toc executed in a new kernel of that environment,
from the notebook's own folder, as Jupyter would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from _book import ROOT, execution_cache, toc_files, toc_source

sys.path.insert(0, str(ROOT / "scripts"))
from binder_python import interpreter, python_version  # noqa: E402

pytestmark = pytest.mark.slow

NOTEBOOKS = [str(toc_source(doc).relative_to(ROOT)) for doc in toc_files()
             if toc_source(doc).suffix == ".ipynb"]

# Runs inside the fresh environment: its own nbclient, its own ipykernel.
RUN_NOTEBOOKS = r"""
import json, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

root = Path(sys.argv[1])
out_dir = Path(sys.argv[3])
report = {}
for rel in json.loads(sys.argv[2]):
    path = root / rel
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        report[rel] = {"ok": True, "seconds": round(time.monotonic() - start, 1)}
        nbformat.write(nb, out_dir / rel.replace("/", "__"))
    except Exception as exc:  # report every notebook, not just the first failure
        report[rel] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[-3000:]}
print("REPORT" + json.dumps(report))
"""


def clean_env() -> dict[str, str]:
    """The environment minus anything that would let the fresh venv see the dev venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH", "PYTHONSTARTUP",
                         "CONVBP_LANG"}}  # Binder runs the notebooks in English
    return env


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=clean_env(), capture_output=True, text=True, **kwargs)


def freeze(python: str) -> list[str]:
    return run([python, "-m", "pip", "freeze", "--exclude-editable"], check=True).stdout.splitlines()


@pytest.fixture(scope="module")
def binder_python(tmp_path_factory) -> str:
    version, source = python_version(ROOT)
    base = interpreter(version)
    if base is None:  # fail, never skip: without it this test would say nothing about Binder
        pytest.fail(f"python{version} ({source}: the Python Binder uses) is not installed; "
                    f".ci/run installs it", pytrace=False)
    target = tmp_path_factory.mktemp("binder") / "venv"
    subprocess.run([base, "-m", "venv", str(target)], check=True, env=clean_env())
    assert not (target / "pyvenv.cfg").read_text().count("include-system-site-packages = true")
    python = str(target / "bin" / "python")
    got = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], check=True)
    assert got.stdout.strip() == version
    install = run([python, "-m", "pip", "install", "-q", "-r", "requirements.txt"],
                  cwd=ROOT, timeout=1800)
    assert install.returncode == 0, (
        f"pip install -r requirements.txt failed on Python {version}:\n{install.stderr[-4000:]}")
    pinned = freeze(python)
    # repo2docker's last step: `pip install .` on its copy of the repository.
    copy = tmp_path_factory.mktemp("repo")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "src", copy / "src",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    package = run([python, "-m", "pip", "install", "-q", str(copy)], cwd=copy, timeout=1800)
    assert package.returncode == 0, f"pip install . failed:\n{package.stderr[-4000:]}"
    assert [p for p in freeze(python) if not p.startswith("convbp")] == pinned, (
        "`pip install .` changed pinned packages: pyproject.toml's dependencies disagree with the pins")
    return python


def test_binders_install_steps_give_the_package(binder_python):
    where = run([binder_python, "-c", "import convbp, sys; print(convbp.__file__); print(sys.prefix)"],
                cwd="/", check=True).stdout.split()
    assert where[0].startswith(where[1]), f"convbp should come from Binder's environment: {where}"
    assert where[1] != sys.prefix, "the notebooks must run in the fresh environment"
    check = run([binder_python, "-m", "pip", "check"])
    assert check.returncode == 0, check.stdout


@pytest.fixture(scope="module")
def executed_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("executed")


def test_every_notebook_runs_top_to_bottom_in_a_fresh_kernel(binder_python, executed_dir):
    assert NOTEBOOKS, "the toc lists no notebook"
    result = run([binder_python, "-c", RUN_NOTEBOOKS, str(ROOT), json.dumps(NOTEBOOKS), str(executed_dir)],
                 cwd=ROOT, timeout=3600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("REPORT")]
    assert lines, f"the runner crashed:\n{result.stderr[-4000:]}"
    report = json.loads(lines[-1][len("REPORT"):])
    failed = {nb: r["error"] for nb, r in report.items() if not r["ok"]}
    assert failed == {}, "\n\n".join(f"{nb}:\n{err}" for nb, err in failed.items())
    assert sorted(report) == sorted(NOTEBOOKS)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def visible_outputs(nb) -> list[list[tuple[str, str]]]:
    """Per code cell, the text a reader sees: streams, plain-text and LaTeX results, errors."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shown = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                # A stream arrives in chunks that depend on timing: join consecutive ones.
                if shown and shown[-1][0] == out.name:
                    shown[-1] = (out.name, shown[-1][1] + out.text)
                else:
                    shown.append((out.name, out.text))
            elif out.output_type in ("execute_result", "display_data"):
                # A widget's text/plain is its repr, which names the traits that differ between
                # the static book and a live kernel (disabled boxes): not what a reader sees.
                mimes = ("text/latex",) if WIDGET_VIEW in out.data else ("text/plain", "text/latex")
                shown += [(mime, out.data[mime]) for mime in mimes if mime in out.data]
            else:
                shown.append((out.output_type, out.get("ename", "")))
        cells.append(shown)
    return cells


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_outputs_are_the_same_in_the_book_and_in_a_fresh_run(whole_book, executed_dir, notebook):
    """Two independent runs, the book's build and the fresh environment's, print the same numbers.

    The fresh run is Binder's, in English (CONVBP_LANG unset), so it is compared with the
    English edition; test_editions.py compares the Chinese edition's numbers with these."""
    import nbformat
    from jupyter_cache import get_cache

    fresh_path = executed_dir / notebook.replace("/", "__")
    if not fresh_path.exists():
        pytest.fail(f"{notebook} did not run in the fresh environment (see the test above)")
    source = nbformat.read(ROOT / notebook, as_version=4)
    _, built = get_cache(str(execution_cache("en"))).merge_match_into_notebook(source)
    fresh = nbformat.read(fresh_path, as_version=4)
    assert visible_outputs(fresh) == visible_outputs(built), (
        f"{notebook}: outputs differ between two runs; seed every random number generator"
    )
