"""Threads: concurrent calls give the serial bits, BLAS's setting is left as found, the cores change nothing.

Cases cover the three routes (dense matrix, im2col in one group, im2col in groups on threads)
in float32 and float64, each through all four convolution functions.
"""

import hashlib
import os
import random
import subprocess
import sys
import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import convbp
from convbp import _unfold

# (a shape, w shape, stride, padding): the digits layer (dense), small im2col layers, and
# layers big enough for several groups of samples (threads).
CASES = [
    ((64, 1, 8, 8), (6, 1, 3, 3), 1, 1),
    ((5, 3, 11, 10), (4, 3, 3, 3), 1, 1),
    ((5, 3, 11, 10), (4, 3, 3, 2), 2, 0),
    ((48, 16, 16, 16), (16, 16, 3, 3), 1, 1),
    ((40, 8, 17, 17), (12, 8, 5, 5), 2, 2),
]


def _operands(case, dtype, seed):
    shape, kshape, stride, padding = case
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal(kshape).astype(dtype)
    b = rng.standard_normal(kshape[0]).astype(dtype)
    z = convbp.conv2d(a, w, b, stride=stride, padding=padding)
    d = rng.standard_normal(z.shape).astype(dtype)
    return a, w, b, d


def _all_four(case, ops):
    (_, _, stride, padding), (a, w, b, d) = case, ops
    kw = dict(stride=stride, padding=padding)
    return (convbp.conv2d(a, w, b, **kw), convbp.conv2d_backward_input(d, w, a.shape, **kw),
            convbp.conv2d_backward_weight(d, a, w.shape, **kw), convbp.conv2d_backward_bias(d))


def _jobs():
    return [(case, dtype) for case in CASES for dtype in (np.float32, np.float64)]


def _blas_threads():
    return [(lib["filepath"], lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_concurrent_calls_give_the_serial_bits_and_leave_blas_as_found():
    with threadpool_limits(limits=2, user_api="blas"):  # a setting the kernels must put back
        before = _blas_threads()
        jobs = _jobs()
        ops = [_operands(case, dtype, i) for i, (case, dtype) in enumerate(jobs)]
        serial = [_all_four(case, o) for (case, _), o in zip(jobs, ops)]
        work = [i for i in range(len(jobs)) for _ in range(3)]
        random.Random(0).shuffle(work)
        results, errors = [None] * len(work), []
        start = threading.Barrier(8)

        def thread(t):
            try:
                start.wait()
                for slot in range(t, len(work), 8):
                    results[slot] = _all_four(jobs[work[slot]][0], ops[work[slot]])
            except Exception as exc:  # reported below, with the thread's name
                errors.append((t, exc))

        threads = [threading.Thread(target=thread, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        for slot, i in enumerate(work):
            for got, want in zip(results[slot], serial[i]):
                assert got.tobytes() == want.tobytes(), f"case {jobs[i]} differs under threads"
        assert _blas_threads() == before


def test_blas_setting_comes_back_whatever_order_overlapping_calls_leave_in():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
        inside = []

        def first():
            with _unfold.one_blas_thread:
                first_in.set()
                second_in.wait(10)
                inside.append(_blas_threads())
            first_out.set()  # leaves while the second is still inside

        def second():
            first_in.wait(10)
            with _unfold.one_blas_thread:
                second_in.set()
                first_out.wait(10)
                inside.append(_blas_threads())

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ours = {lib.filepath for lib in _unfold.one_blas_thread._libs}  # NumPy's; scipy may bring another
        assert len(inside) == 2 and all(n == 1 for seen in inside for path, n in seen if path in ours), inside
        assert _blas_threads() == before


_CHILD = """
import hashlib, os, sys
os.sched_setaffinity(0, {cpus})
sys.path.insert(0, {tests!r})
import numpy as np
import test_threads as t
digest = hashlib.sha256()
for i, (case, dtype) in enumerate(t._jobs()):
    for out in t._all_four(case, t._operands(case, dtype, i)):
        digest.update(out.tobytes())
print(digest.hexdigest())
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs os.sched_setaffinity (Linux) and at least two CPUs to compare one core with several")
def test_results_do_not_depend_on_the_number_of_cores():
    cpus = sorted(os.sched_getaffinity(0))
    digests = []
    for allowed in ({cpus[0]}, set(cpus)):
        code = _CHILD.format(cpus=allowed, tests=os.path.dirname(__file__))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
        digests.append(out.stdout.strip())
    assert digests[0] == digests[1]
