"""im2col and col2im, a few samples at a time: the engine under conv2d and its gradients.

Unfolding ("im2col") copies every window of the input into a column, so the convolution
becomes one matrix product per sample: z_n (K, Ho·Wo) = W (K, C·kh·kw) · cols_n. The columns
of a whole batch are kh·kw times the input (37 MB for 64×16×32×32 with a 3×3 kernel); writing
them to memory and reading them back costs more than the arithmetic. So samples go in groups
whose columns fit in a core's cache, and each group is unfolded and multiplied while it is
still there. Groups, fixed by sizes, run on one thread per core, each with single-threaded
BLAS (NumPy releases the GIL in copies and matmul). A group writes only its own samples, and the weight
gradient adds the groups' sums in group order, so the numbers never depend on the threads.

Columns are filled straight from the unpadded input, one kernel offset (p, q) at a time
(a loop of kh·kw vectorised copies): the entries that would read padding are zero when the
scratch array is made and are never written. (Keeping scratch arrays per thread from call to
call, to save the page faults of fresh memory, was measured at 0.8–1.04× on the benchmark's
layers, no gain, and was removed.)
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._windows import zeros

# Scratch per group: about a core's L2 cache on current x86 servers. A batch whose scratch
# fits in one group runs on the calling thread: waking another costs about 0.1 ms on a VM.
_GROUP_BYTES = 1 << 22
# A batch of more than one group is cut into at least this many (when it has the samples),
# so that the threads share it out evenly: a number fixed by sizes, never by the cores.
_MIN_GROUPS = 8

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def unfold(win, cols, x):
    """im2col: cols[m, c, p, q, u, v] = x[m, c, s·u + p − ph, s·v + q − pw] wherever that is inside x (win: the Window)."""
    for p, q, out, inp in win.parts:
        cols[:, :, p, q, out[0], out[1]] = x[:, :, inp[0], inp[1]]


def fold(win, grad, cols):
    """col2im, the adjoint of unfold: grad (m, C, H, W) = Σ over offsets of each column sent back to its pixel."""
    grad[...] = 0
    for p, q, out, inp in win.parts:
        grad[:, :, inp[0], inp[1]] += cols[:, :, p, q, out[0], out[1]]


def forward(a, w, b, win):
    """z_n = W · cols_n (+ b): a (N, C, H, W), w (K, C, kh, kw), b (K,) or None → (N, K, Ho, Wo).

    win: the layer's Window (convbp._windows). The bias rides in the product as one more column
    of W against a row of ones.
    """
    n, c = a.shape[:2]
    k, _, kh, kw = w.shape
    (ho, wo) = win.out_hw
    unfolded = c * kh * kw
    w2 = w.reshape(k, unfolded)
    if b is not None:
        w2 = np.concatenate([w2, b.reshape(k, 1)], axis=1)
    rows, pixels = w2.shape[1], ho * wo
    z = np.empty((n, k, ho, wo), dtype=w2.dtype)

    def group(samples):
        cols = _scratch((samples, rows, pixels), a.dtype, ones_from=unfolded)

        def run(n0, n1):
            m = n1 - n0
            unfold(win, cols[:m, :unfolded].reshape(m, c, kh, kw, ho, wo), a[n0:n1])
            np.matmul(w2, cols[:m], out=z[n0:n1].reshape(m, k, pixels))
        return run

    _in_groups(n, (rows + k) * pixels * a.itemsize, group)
    return z


def backward_weight(delta, a, win):
    """∂J/∂W = Σ_n δ_n · cols_nᵀ: delta (N, K, Ho, Wo), a (N, C, H, W) → (K, C, kh, kw)."""
    n, c = a.shape[:2]
    k = delta.shape[1]
    (kh, kw), (ho, wo) = win.khw, win.out_hw
    unfolded, pixels = c * kh * kw, ho * wo
    dtype = np.result_type(delta, a)
    parts = {}

    def group(samples):
        cols = _scratch((samples, unfolded, pixels), a.dtype)

        def run(n0, n1):
            m = n1 - n0
            unfold(win, cols[:m].reshape(m, c, kh, kw, ho, wo), a[n0:n1])
            # cols_n · δ_nᵀ for the group's samples, summed and transposed at the end:
            # OpenBLAS is about 1.5× slower on the δ_n · cols_nᵀ form of the same product.
            parts[n0] = np.matmul(cols[:m], delta[n0:n1].reshape(m, k, pixels).transpose(0, 2, 1)).sum(axis=0)
        return run

    _in_groups(n, (unfolded + k) * pixels * a.itemsize, group)
    total = zeros((unfolded, k), dtype)  # an empty batch has no samples to add: zero
    for n0 in sorted(parts):  # group order: the rounding never depends on the threads
        total = total + parts[n0] if n0 else parts[n0]
    return np.ascontiguousarray(total.T, dtype=dtype).reshape(k, c, kh, kw)


def backward_input(delta, w, win):
    """∂J/∂a = col2im(Wᵀ · δ_n): delta (N, K, Ho, Wo), w (K, C, kh, kw) → (N, C, H, W).

    Wᵀ · δ_n gives each window's share of the gradient, one column per output; folding sends
    every entry back to the input pixel it was read from, adding where windows overlap.
    """
    n, k = delta.shape[:2]
    _, c, kh, kw = w.shape
    (ho, wo) = win.out_hw
    unfolded, pixels = c * kh * kw, ho * wo
    wt = np.ascontiguousarray(w.reshape(k, unfolded).T)
    grad = np.empty((n, c) + win.hw, dtype=np.result_type(delta, w))

    def group(samples):
        cols = _scratch((samples, unfolded, pixels), grad.dtype)

        def run(n0, n1):
            m = n1 - n0
            np.matmul(wt, delta[n0:n1].reshape(m, k, pixels), out=cols[:m])
            fold(win, grad[n0:n1], cols[:m].reshape(m, c, kh, kw, ho, wo))
        return run

    _in_groups(n, (unfolded + k) * pixels * grad.itemsize, group)
    return grad


def _in_groups(n: int, bytes_per_sample: int, group) -> None:
    """Cover samples [0, n) in groups: group(size) makes one thread's scratch and returns run(n0, n1).

    The groups depend on the sizes only (as many samples as fit in _GROUP_BYTES of scratch,
    and at least _MIN_GROUPS groups when there is more than one), never on the number of
    cores or on other calls: each group writes its own samples and the weight gradient adds
    the groups in order, so the bits are the same on any machine. The cores only decide how
    many threads share the groups out; a single group runs on the caller.
    The caller holds one_blas_thread (conv.py does), so the threads never fight BLAS's own.
    """
    if n == 0:
        return
    size = max(1, _GROUP_BYTES // bytes_per_sample)
    if size < n:
        size = max(1, min(size, -(-n // _MIN_GROUPS)))
    n_groups = -(-n // size)
    workers = min(n_groups, _cores())
    if workers <= 1:
        run = group(min(size, n))
        for i in range(n_groups):
            run(i * size, min(n, (i + 1) * size))
        return
    counter = itertools.count()  # next() on it is atomic under the GIL: groups go to whichever thread is free

    def worker():  # NumPy's error state is per thread: the caller's (see _windows.ieee) does not reach here
        with np.errstate(invalid="ignore", over="ignore"):
            run = group(size)
            for i in counter:
                if i >= n_groups:
                    return
                run(i * size, min(n, (i + 1) * size))

    for f in [_executor().submit(worker) for _ in range(workers)]:
        f.result()


def _scratch(shape: tuple, dtype, ones_from: int | None = None) -> np.ndarray:
    """A zero array for one thread's group (rows ones_from onward of axis 1 set to 1: the bias's row of ones).

    unfold writes only the entries that come from the input, so the zeros stand for padding.
    """
    buf = zeros(shape, dtype)
    if ones_from is not None:
        buf[:, ones_from:] = 1
    return buf


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _executor() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    # A forked child inherits the pool object but none of its threads: work sent there would wait forever.
    if _pool is None or _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(max_workers=_cores(), thread_name_prefix="convbp"), os.getpid()
    return _pool


class _OneBlasThread:
    """A context: BLAS on one thread inside, the process's setting back once the last one leaves.

    Every matrix product of the kernels runs inside it, for two reasons. OpenBLAS's bits
    depend on its thread count (float64 products of a few hundred rows differ in the last bit
    between 1 and 2 threads), so results would depend on the machine's cores; and our group
    threads would fight BLAS's threads for the same cores. BLAS's setting is process-wide, so
    overlapping calls from several threads share one count: the first to enter saves the
    setting and sets 1, the last to leave restores it (unless someone changed it meanwhile),
    whatever the order in which they leave. Another thread's own NumPy products run on one
    BLAS thread while a kernel call is in progress.
    """

    def __init__(self):
        self._reset()
        if hasattr(os, "register_at_fork"):  # a child of fork() starts with no call in progress
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = []
        self._libs = None

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                if self._libs is None:  # NumPy's BLAS (loaded by now), and any other loaded before the first call
                    from threadpoolctl import ThreadpoolController

                    self._libs = ThreadpoolController().select(user_api="blas").lib_controllers
                self._saved = [(lib, lib.get_num_threads()) for lib in self._libs]
                for lib, count in self._saved:
                    if count != 1:
                        _set_threads(lib, 1)
            self._depth += 1
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                for lib, count in self._saved:
                    if count != 1 and lib.get_num_threads() == 1:
                        _set_threads(lib, count)


def _set_threads(lib, count: int) -> None:
    """lib.set_num_threads(count) from whichever thread we are on.

    threadpoolctl lets only one "controlling" thread change OpenBLAS (pthreads) and silently
    ignores the others, so a kernel called from a second thread would keep BLAS's threads.
    Our lock already keeps the threads from fighting: take control for the call, then give
    it up, so that the next thread to set a limit (the reader's, say) is obeyed too.
    """
    release = getattr(type(lib), "clear_controlling_thread", None)
    if release is not None:
        release(force=True)
    lib.set_num_threads(count)
    if release is not None:
        release(force=True)


one_blas_thread = _OneBlasThread()
