"""Benchmark convbp against naive loops and, where installed, PyTorch on the CPU; print ratios.

    python benchmarks/run.py            # every library that is installed
    python benchmarks/run.py --no-naive # skip the slow loops

Each library runs in its own process (see bench_kernels.py). PyTorch is not a dependency
of the book: `pip install torch` into the same environment to include it, or point
TORCH_PYTHON at an interpreter that has it. Widget latency: benchmarks/bench_widgets.py.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(lib, python=sys.executable):
    res = subprocess.run([python, os.path.join(HERE, "bench_kernels.py"), lib], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    results = {"convbp": run("convbp")}
    torch_python = os.environ.get("TORCH_PYTHON") or (sys.executable if importlib.util.find_spec("torch") else None)
    if torch_python:
        results["torch"] = run("torch", torch_python)
    if not args.no_naive:
        results["naive"] = run("naive")
    for lib, r in results.items():
        print(f"{lib:7s} {r.pop('_version')}")
    print()
    header = f"{'case':44s} {'convbp ms':>10s}"
    if "torch" in results:
        header += f" {'torch ms':>9s} {'convbp/torch':>13s}"
    if "naive" in results:
        header += f" {'naive ms':>10s} {'naive/convbp':>13s}"
    print(header)
    for case, t in results["convbp"].items():
        line = f"{case:44s} {t * 1e3:10.2f}"
        if "torch" in results:
            tt = results["torch"][case]
            line += f" {tt * 1e3:9.2f} {t / tt:12.2f}×"
        if "naive" in results:
            tn = results["naive"][case]
            line += f" {tn * 1e3:10.0f} {tn / t:12.0f}×"
        print(line)
    if "naive" in results:
        print("\nnaive: loops timed on one sample and scaled by N (they are linear in N).")
    if "torch" not in results:
        print("\nPyTorch not installed: `pip install torch` (CPU) to compare against it.")


if __name__ == "__main__":
    main()
