"""Time one library on the benchmark cases; run by run.py, one process per library.

NumPy's and PyTorch's thread pools slow each other down inside one process, so each
library gets its own interpreter; this script prints one JSON line of median times (s).
"""

import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# The three cases with targets (run.py), then layers of well-known networks at small batches:
# other kernel sizes, strides and channel counts, so the engine is not tuned to three shapes.
CASES = {
    "conv 64×16×32×32, K=32, 3×3, pad 1": dict(kind="conv", n=64, c=16, hw=32, k=32, ksize=3, pad=1),
    "conv 256×1×8×8, K=6, 3×3, pad 1 (digits)": dict(kind="conv", n=256, c=1, hw=8, k=6, ksize=3, pad=1),
    "max pool 2×2/2 on 64×32×32×32": dict(kind="maxpool", n=64, c=32, hw=32, size=2),
    "LeNet-5 C3: 64×6×14×14, K=16, 5×5": dict(kind="conv", n=64, c=6, hw=14, k=16, ksize=5, pad=0),
    "AlexNet conv1: 4×3×227×227, K=64, 11×11/4": dict(kind="conv", n=4, c=3, hw=227, k=64, ksize=11, pad=0, stride=4),
    "ResNet stem: 4×3×224×224, K=64, 7×7/2, pad 3": dict(kind="conv", n=4, c=3, hw=224, k=64, ksize=7, pad=3, stride=2),
    "ResNet conv2_x: 8×64×56×56, K=64, 3×3, pad 1": dict(kind="conv", n=8, c=64, hw=56, k=64, ksize=3, pad=1),
    "ResNet conv3_1: 8×64×56×56, K=128, 3×3/2, pad 1": dict(kind="conv", n=8, c=64, hw=56, k=128, ksize=3, pad=1, stride=2),
    "VGG conv4: 4×256×28×28, K=512, 3×3, pad 1": dict(kind="conv", n=4, c=256, hw=28, k=512, ksize=3, pad=1),
    "MobileNet 1×1: 16×128×28×28, K=128": dict(kind="conv", n=16, c=128, hw=28, k=128, ksize=1, pad=0),
    "AlexNet max pool 3×3/2 on 16×64×55×55": dict(kind="maxpool", n=16, c=64, hw=55, size=3, stride=2),
}


def _data(case, n=None):
    rng = np.random.default_rng(0)
    n = n or case["n"]
    a = rng.standard_normal((n, case["c"], case["hw"], case["hw"])).astype(np.float32)
    if case["kind"] == "conv":
        w = rng.standard_normal((case["k"], case["c"], case["ksize"], case["ksize"])).astype(np.float32)
        b = rng.standard_normal(case["k"]).astype(np.float32)
        ho = (case["hw"] + 2 * case["pad"] - case["ksize"]) // case.get("stride", 1) + 1
        delta = rng.standard_normal((n, case["k"], ho, ho)).astype(np.float32)
        return a, w, b, delta
    ho = (case["hw"] - case["size"]) // case.get("stride", case["size"]) + 1
    return a, rng.standard_normal((n, case["c"], ho, ho)).astype(np.float32)


def convbp_step(case):
    import convbp

    if case["kind"] == "conv":
        a, w, b, delta = _data(case)
        kw = dict(stride=case.get("stride", 1), padding=case["pad"])

        def step():
            convbp.conv2d(a, w, b, **kw)
            convbp.conv2d_backward_input(delta, w, a.shape, **kw)
            convbp.conv2d_backward_weight(delta, a, w.shape, **kw)
            convbp.conv2d_backward_bias(delta)
        return step
    a, delta = _data(case)
    s, st = case["size"], case.get("stride", case["size"])

    def step():
        convbp.max_pool2d(a, s, stride=st)
        convbp.max_pool2d_backward(delta, a, s, stride=st)
    return step


def naive_step(case):
    # The loops are linear in N: time one sample and scale, or the first case takes many minutes.
    sys.path.insert(0, os.path.join(HERE, "..", "tests"))
    import reference as ref

    if case["kind"] == "conv":
        a, w, b, delta = _data(case, n=1)
        p, st = case["pad"], case.get("stride", 1)

        def step():
            ref.conv2d(a, w, b, st, st, p, p)
            ref.conv2d_backward(delta, a, w, st, st, p, p)
        return step, case["n"]
    a, delta = _data(case, n=1)
    s, st = case["size"], case.get("stride", case["size"])

    def step():
        ref.max_pool2d_backward(delta, a, s, s, st, st, 0, 0)  # includes the forward pass
    return step, case["n"]


def torch_step(case):
    import torch
    import torch.nn.functional as F

    if case["kind"] == "conv":
        a, w, b, delta = (torch.from_numpy(x) for x in _data(case))
        a.requires_grad_(True), w.requires_grad_(True), b.requires_grad_(True)
        p, st = case["pad"], case.get("stride", 1)

        def step():
            z = F.conv2d(a, w, b, stride=st, padding=p)
            torch.autograd.grad(z, (a, w, b), delta)
        return step
    a, delta = (torch.from_numpy(x) for x in _data(case))
    a.requires_grad_(True)
    s, st = case["size"], case.get("stride", case["size"])

    def step():
        z = F.max_pool2d(a, s, st)
        torch.autograd.grad(z, (a,), delta)
    return step


def median_time(step, budget=3.0, min_runs=3, max_runs=50):
    step()  # warm up caches and thread pools
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (len(times) < max_runs and time.perf_counter() - start < budget):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(lib, only=None):
    out = {}
    for name, case in CASES.items():
        if only and name not in only:
            continue
        if lib == "naive" and name not in list(CASES)[:3]:  # minutes of Python loops per big layer
            continue
        if lib == "naive":
            step, scale = naive_step(case)
            out[name] = median_time(step, budget=1.0, min_runs=1, max_runs=3) * scale
        else:
            out[name] = median_time(convbp_step(case) if lib == "convbp" else torch_step(case))
    if lib == "torch":
        import torch
        out["_version"] = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    else:
        out["_version"] = f"numpy {np.__version__}"
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
