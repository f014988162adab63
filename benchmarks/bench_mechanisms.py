"""What each mechanism of the conv engine buys: the conv cases of bench_kernels with one mechanism off at a time.

    python benchmarks/bench_mechanisms.py [--rounds 3]

Variants, each in its own process (patched in-process timings drifted by up to 2×), in an
order that rotates from round to round; each keeps its best median, as run.py does, because
a shared machine drifts:
  shipped            as in src/convbp
  no thread pool     groups run one after another on the calling thread (_cores() = 1)
  no dense engine    im2col even for tiny maps (_dense.worth_it = False)
Prints milliseconds per forward-plus-three-gradients step and each variant's ratio to shipped.
"""

import argparse
import json
import os
import subprocess
import sys
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_kernels as B  # noqa: E402

VARIANTS = ["shipped", "no thread pool", "no dense engine"]


def child(variant):
    from convbp import _dense, _unfold

    patch = {"shipped": None, "no thread pool": (_unfold, "_cores", lambda: 1),
             "no dense engine": (_dense, "worth_it", lambda *args: False)}[variant]
    cases = [name for name, case in B.CASES.items() if case["kind"] == "conv"]
    if patch is None:
        B.main("convbp", cases)
    else:
        with mock.patch.object(*patch):
            B.main("convbp", cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    best = {}
    for r in range(args.rounds):
        for variant in VARIANTS[r % len(VARIANTS):] + VARIANTS[: r % len(VARIANTS)]:
            out = subprocess.run([sys.executable, __file__, "--child", variant], capture_output=True, text=True, check=True)
            for case, t in json.loads(out.stdout.strip().splitlines()[-1]).items():
                if case != "_version":
                    best[case, variant] = min(t, best.get((case, variant), t))
    cases = [case for case, variant in best if variant == "shipped"]
    print(f"{'case':48s}" + "".join(f"{v:>18s}" for v in VARIANTS))
    for case in cases:
        base = best[case, "shipped"]
        cells = [f"{base * 1e3:15.2f} ms"] + [f"{best[case, v] * 1e3:9.2f} ({best[case, v] / base:4.2f}×)" for v in VARIANTS[1:]]
        print(f"{case:48s}" + "".join(f"{c:>18s}" for c in cells))


if __name__ == "__main__":
    main()
