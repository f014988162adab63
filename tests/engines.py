"""Force one implementation behind conv2d and its gradients, for tests that must cover each.

conv2d picks the dense matrix (tiny maps), im2col in one group, or im2col in many groups on
threads (big batches), by size; the tests run the same checks with each one forced.
"""

from contextlib import contextmanager
from unittest import mock

from convbp import _dense, _unfold

ENGINES = ["dense", "im2col", "im2col in groups on threads"]


@contextmanager
def engine(name):
    """Make conv2d's size rule pick `name`; operands with NaN or ±inf still go to im2col, as the rule says."""
    if name == "dense":
        with mock.patch.object(_dense, "worth_it", lambda *args: True):
            yield
    elif name == "im2col":
        with mock.patch.object(_dense, "worth_it", lambda *args: False):
            yield
    elif name == "im2col in groups on threads":  # one sample per group, shared out to two threads
        with mock.patch.object(_dense, "worth_it", lambda *args: False), \
             mock.patch.object(_unfold, "_GROUP_BYTES", 1), \
             mock.patch.object(_unfold, "_cores", lambda: 2):
            yield
    else:
        raise ValueError(f"no engine {name!r}; one of {ENGINES}")
