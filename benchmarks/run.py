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
# The project's targets (issue: kernels), as the largest acceptable convbp/torch ratio, for
# the first three cases of bench_kernels.CASES; the others (layers of known networks) are reported.
TORCH_TARGETS = [3.0, 1.0, 3.0]


def run(lib, python=sys.executable):
    res = subprocess.run([python, os.path.join(HERE, "bench_kernels.py"), lib], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per library (best median kept)")
    args = parser.parse_args()
    torch_python = os.environ.get("TORCH_PYTHON") or (sys.executable if importlib.util.find_spec("torch") else None)
    # A shared 2-core machine drifts by tens of percent from one minute to the next: alternate
    # the libraries over several rounds and keep each one's best median.
    rounds = {"convbp": [], "torch": []}
    for _ in range(args.rounds):
        rounds["convbp"].append(run("convbp"))
        if torch_python:
            rounds["torch"].append(run("torch", torch_python))
    results = {lib: {k: (min(r[k] for r in rs) if k != "_version" else rs[0][k]) for k in rs[0]} for lib, rs in rounds.items() if rs}
    if not args.no_naive:
        results["naive"] = run("naive")
    for lib, r in results.items():
        print(f"{lib:7s} {r.pop('_version')}")
    print()
    header = f"{'case':48s} {'convbp ms':>10s}"
    if "torch" in results:
        header += f" {'torch ms':>9s} {'convbp/torch':>13s} {'target':>7s}"
    if "naive" in results:
        header += f" {'naive ms':>10s} {'naive/convbp':>13s}"
    print(header)
    for i, (case, t) in enumerate(results["convbp"].items()):
        line = f"{case:48s} {t * 1e3:10.2f}"
        if "torch" in results:
            tt = results["torch"][case]
            line += f" {tt * 1e3:9.2f} {t / tt:12.2f}×"
            if i < len(TORCH_TARGETS):
                target = TORCH_TARGETS[i]
                line += f" {'≤' + format(target, 'g') + '×':>6s} {'met' if t / tt <= target else 'MISSED'}"
            else:
                line += f" {'–':>6s} {'':6s}"
        if "naive" in results and case in results["naive"]:
            tn = results["naive"][case]
            line += f" {tn * 1e3:10.0f} {tn / t:12.0f}×"
        print(line)
    if "naive" in results:
        print("\nnaive: loops timed on one sample and scaled by N (they are linear in N); the first three cases only.")
    if "torch" not in results:
        print("\nPyTorch not installed: `pip install torch` (CPU) to compare against it.")


if __name__ == "__main__":
    main()
