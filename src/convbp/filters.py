"""Where kernels come from (lecture section 1): set by hand, or learned by back-propagation.

Hand-made 3×3 kernels (the lecture's "set by experience": Sobel, Prewitt, …) and a grayscale
photo to try them on. Every kernel is applied as convbp.conv2d applies it: cross-correlation,
no flip. So SOBEL_X responds positively where the image gets brighter from left to right.

The learned kernel starts from random numbers and follows the gradient of a squared error,
computed by convbp.conv2d_backward_weight (the lecture's rule 3.3): learn_kernel.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from . import _validate as V
from .conv import conv2d, conv2d_backward_weight
from .i18n import N_
from .pool import avg_pool2d

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
SOBEL_Y = SOBEL_X.T.copy()
PREWITT_X = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=float)
PREWITT_Y = PREWITT_X.T.copy()
IDENTITY = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)
BOX_BLUR = np.full((3, 3), 1 / 9)
SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float)
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float)
for _k in (SOBEL_X, SOBEL_Y, PREWITT_X, PREWITT_Y, IDENTITY, BOX_BLUR, SHARPEN, LAPLACIAN):
    _k.setflags(write=False)  # shared constants: a chapter must not change them for the next one; preset() gives a copy
del _k

# key -> (label, kernel). One place for the presets: the kernel editor and the chapters read it
# (the label through i18n.tr).
PRESETS: dict[str, tuple[str, np.ndarray]] = {
    "sobel_x": (N_("Sobel x (vertical edges)"), SOBEL_X),
    "sobel_y": (N_("Sobel y (horizontal edges)"), SOBEL_Y),
    "prewitt_x": (N_("Prewitt x"), PREWITT_X),
    "prewitt_y": (N_("Prewitt y"), PREWITT_Y),
    "identity": (N_("identity"), IDENTITY),
    "box_blur": (N_("box blur"), BOX_BLUR),
    "sharpen": (N_("sharpen"), SHARPEN),
    "laplacian": (N_("Laplacian"), LAPLACIAN),
}

# ITU-R BT.601 luma weights: how bright each colour channel looks.
_LUMA = np.array([0.299, 0.587, 0.114])


def preset(name: str) -> np.ndarray:
    """A copy of the preset kernel called `name` (a key of PRESETS)."""
    return PRESETS[V.one_of(name, PRESETS, "preset")][1].copy()


@lru_cache(maxsize=4)
def _photo(width: int) -> np.ndarray:
    import matplotlib.cbook
    import matplotlib.image

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = matplotlib.image.imread(f, format="jpg")
    gray = rgb[..., :3].astype(float) @ _LUMA / 255.0
    factor = max(1, round(gray.shape[1] / width))
    # Shrinking is itself average pooling: each output pixel is the mean of a factor×factor block.
    return avg_pool2d(gray, factor) if factor > 1 else gray


def sample_photo(width: int = 128) -> np.ndarray:
    """Grace Hopper's portrait (shipped with matplotlib) as a 2-D grayscale float64 array in [0, 1], about `width` pixels wide."""
    return _photo(V.count(width, "width", minimum=8)).copy()


def kernel_loss(w, image, target) -> float:
    """J(w) = (1 / n) Σ_{u,v} (z_{u,v} − t_{u,v})², z = image ⋆ w: the mean squared error of a feature map.

    w: (kh, kw); image: (H, W); target: the (Ho, Wo) map to reproduce, n = Ho·Wo entries.
    """
    return _loss_and_gradient(w, image, target, gradient=False)[0]


def kernel_loss_gradient(w, image, target) -> np.ndarray:
    """∂J/∂w = image ⋆ δ with δ = ∂J/∂z = (2 / n)(z − t): the lecture's kernel gradient (3.3).

    Shapes as in kernel_loss; returns an array shaped like w.
    """
    return _loss_and_gradient(w, image, target)[1]


def _loss_and_gradient(w, image, target, gradient=True):
    # One forward pass serves both J and ∂J/∂w: gradient descent needs both every step.
    w = V.array(w, "w")
    z = conv2d(image, w)
    _same_shape(z, target)
    error = z - target
    loss = float(np.mean(error**2))
    if not gradient:
        return loss, None
    return loss, conv2d_backward_weight(2.0 * error / z.size, image, w.shape)


def _same_shape(z, target):
    target_shape = np.shape(target)
    if target_shape != z.shape:
        raise ValueError(f"target must have the shape of the feature map image ⋆ w, {z.shape}; got {target_shape}")


class KernelHistory(NamedTuple):
    """What gradient descent did: kernels[i] is the kernel after i steps and losses[i] its J.

    kernels: (steps + 1, kh, kw), kernels[0] the random start and kernels[-1] the result;
    losses: (steps + 1,).
    """

    kernels: np.ndarray
    losses: np.ndarray


def learn_kernel(image, target, *, kernel_size=(3, 3), steps: int = 2500, lr: float = 0.6, seed: int = 0, scale: float = 0.5) -> KernelHistory:
    """Learn w by plain gradient descent, w ← w − lr · ∂J/∂w, so that image ⋆ w reproduces target.

    The start is w ~ N(0, scale²) from np.random.default_rng(seed); J is kernel_loss.
    image: (H, W); target: (H − kh + 1, W − kw + 1).
    """
    image = V.array(image, "image")
    if image.ndim != 2 or image.dtype == object:
        raise ValueError(f"image must be a 2-D numeric array (H, W); got shape {image.shape}, dtype {image.dtype}")
    image = image.astype(np.float64, copy=False)
    target = V.array(target, "target").astype(np.float64, copy=False)
    kh, kw = V.pair(kernel_size, "kernel_size")
    steps = V.count(steps, "steps")
    lr, scale = V.positive_number(lr, "lr"), V.positive_number(scale, "scale")
    w = np.random.default_rng(seed).normal(0.0, scale, (kh, kw))
    kernels = np.empty((steps + 1, kh, kw))
    losses = np.empty(steps + 1)
    for i in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr is reported below, not as a warning
            losses[i], grad = _loss_and_gradient(w, image, target)
        if not math.isfinite(losses[i]):
            raise FloatingPointError(f"gradient descent diverged at step {i} with lr={lr}: try a smaller learning rate")
        kernels[i] = w
        w = w - lr * grad
    return KernelHistory(kernels, losses)


def steps_to_reach(kernels, kernel, tol: float) -> int | None:
    """The first step i with max |kernels[i] − kernel| < tol, or None if it never gets there."""
    kernels = np.asarray(kernels)
    gap = np.abs(kernels - np.asarray(kernel)).reshape(len(kernels), -1).max(axis=1)
    hit = np.flatnonzero(gap < tol)
    return int(hit[0]) if hit.size else None

