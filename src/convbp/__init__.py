"""convbp: forward and backward passes of convolution and pooling, in NumPy and in sympy.

The kernels follow the lecture "Convolutional neural networks (3)" one formula per function;
the same code runs on float32/float64 arrays (to train a network) and on object arrays of
sympy symbols (to derive the lecture's formulas).
"""

from .conv import conv2d, conv2d_backward_bias, conv2d_backward_input, conv2d_backward_weight
from .pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .activations import relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime
from . import activations, blocks, filters, gradcheck, models, nn, unroll
from .i18n import language, set_language, tr

# symbolic (sympy), plotting (matplotlib) and widgets (ipywidgets) are imported on use,
# so that training a network does not pay for them: `from convbp import symbolic`.

__all__ = [
    "conv2d",
    "conv2d_backward_input",
    "conv2d_backward_weight",
    "conv2d_backward_bias",
    "max_pool2d",
    "max_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "activations",
    "blocks",
    "filters",
    "gradcheck",
    "models",
    "nn",
    "unroll",
    "language",
    "set_language",
    "tr",
]

__version__ = "0.1.0"
