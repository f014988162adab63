"""Force one implementation behind conv2d and its gradients, for tests that must cover each.

conv2d picks the dense matrix (tiny maps), im2col in one group, or im2col in many groups on
threads (big batches), by size; the tests run the same checks with each one forced.
"""

from contextlib import contextmanager
from unittest import mock

from convbp import _dense, _unfold, conv

ENGINES = ["dense", "im2col", "im2col in groups on threads"]


@contextmanager
def engine(name):
    if name == "dense":
        with mock.patch.object(conv, "_engine", lambda *args: _dense):
            yield
    elif name == "im2col":
        with mock.patch.object(conv, "_engine", lambda *args: _unfold):
            yield
    elif name == "im2col in groups on threads":  # one sample per group, shared out to two threads
        with mock.patch.object(conv, "_engine", lambda *args: _unfold), \
             mock.patch.object(_unfold, "_SERIAL_BYTES", 0), mock.patch.object(_unfold, "_GROUP_BYTES", 1), \
             mock.patch.object(_unfold, "_cores", lambda: 2):
            yield
    else:
        raise ValueError(f"no engine {name!r}; one of {ENGINES}")
