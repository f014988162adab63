"""Live latency of the widgets: one edit of each default example, recomputed and redrawn, in Python time.

The budget is 100 ms per edit (what a reader feels as immediate). Run: .venv/bin/python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import time

from convbp.widgets import ConvStepper, KernelEditor, PoolingStepper

BUDGET_MS = 100.0


def best_ms(edit, repeats: int = 15) -> float:
    """Best and median of `repeats` timings of edit(i); every call changes a value, so every call recomputes."""
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        edit(i)
        times.append(time.perf_counter() - t)
    return 1000 * min(times), 1000 * sorted(times)[len(times) // 2]


def main() -> None:
    pool = PoolingStepper()
    conv = ConvStepper()
    kern = KernelEditor()
    maps = ["1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 0", "1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 5"]
    kernels = ["1 2; -1 0", "1 2; -1 3"]
    cases = {
        "PoolingStepper: edit the input": lambda i: setattr(pool.a_box, "value", maps[(i + 1) % 2]),
        "PoolingStepper: switch max/avg": lambda i: setattr(pool.mode_box, "value", "avg" if i % 2 == 0 else "max"),
        "ConvStepper: edit the kernel": lambda i: setattr(conv.w_box, "value", kernels[(i + 1) % 2]),
        "ConvStepper: stride 1 -> 2 -> 1": lambda i: setattr(conv.stride_box, "value", 2 if i % 2 == 0 else 1),
        "ConvStepper: padding toggle 0 <-> 1": lambda i: setattr(conv.padding_choice, "value", 1 if i % 2 == 0 else 0),
        "PoolingStepper: window 2x2/2 <-> 3x3/1": lambda i: setattr(pool.window_box, "value", (3, 1) if i % 2 == 0 else (2, 2)),
        "KernelEditor: edit one entry": lambda i: setattr(kern.entries[4], "value", str((i + 1) % 2)),
        "KernelEditor: pick a preset": lambda i: setattr(kern.preset_box, "value", "sobel_y" if i % 2 == 0 else "sobel_x"),
    }
    worst = 0.0
    print(f"{'edit':40s} {'best ms':>8s} {'median ms':>10s}  (budget {BUDGET_MS:.0f} ms)")
    for name, edit in cases.items():
        best, median = best_ms(edit)
        worst = max(worst, median)
        print(f"{name:40s} {best:8.1f} {median:10.1f}")
    assert pool.error == conv.error == kern.error == "", "a benchmark edit was rejected"
    print(f"slowest median: {worst:.1f} ms = {worst / BUDGET_MS:.2f} of the budget")
    static_build()


def static_build() -> None:
    """What `make book` pays per widget for the static views (every choice precomputed): not a reader's wait."""
    import os

    from convbp.widgets._where import STATIC_BOOK_ENV

    os.environ[STATIC_BOOK_ENV] = "1"
    try:
        for name, make in {"PoolingStepper (6 views)": PoolingStepper, "ConvStepper (4 views)": ConvStepper,
                           "KernelEditor (8 presets)": KernelEditor}.items():
            t = time.perf_counter()
            make()
            print(f"static build, {name:28s} {1000 * (time.perf_counter() - t):8.1f} ms")
    finally:
        del os.environ[STATIC_BOOK_ENV]


if __name__ == "__main__":
    main()
