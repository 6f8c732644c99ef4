"""The tiny tasks the notebooks' tests and examples share: Gaussian blobs in 2-d, noisy 8x8 images, random sentences.

Test support, not part of the package: the notebooks put this folder on `sys.path` (they run from `nbs/`) and import
from here, so every notebook builds the same tensors from the same seeds."""
import torch

from dataset_distillation.task import Task


def blobs(n: int, k: int = 3, d: int = 2, sep: float = 4.0, seed: int = 0, noise_seed: int | None = None) -> tuple:
    """`n` points of `k` separated Gaussian blobs in `d` dims and their labels `arange(n) % k`. The centres come from
    `seed`; the noise follows them from the same generator, or from its own seeded with `noise_seed`."""
    g = torch.Generator().manual_seed(seed)
    centers = sep * torch.randn(k, d, generator=g)
    if noise_seed is not None: g = torch.Generator().manual_seed(noise_seed)
    y = torch.arange(n) % k
    return centers[y] + torch.randn(n, d, generator=g), y


def blobs_task() -> Task:
    "Three blobs in 2-d, 600 training and 300 test points: the test points have the same centres and extra noise."
    (xtr, ytr), (xte, yte) = blobs(600), blobs(300)
    xte = xte + 0.3 * torch.randn(xte.shape, generator=torch.Generator().manual_seed(1))  # same centres, other noise
    return Task('blobs', xtr, ytr, xte, yte, ['a', 'b', 'c'])


def images(n: int, k: int = 3, seed: int = 0) -> tuple:
    "`n` noisy 1x8x8 images of `k` classes and their labels `arange(n) % k` (the same patterns for every `seed`)."
    protos = torch.randn(k, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    y = torch.arange(n) % k
    return protos[y] + 0.7 * torch.randn(n, 1, 8, 8, generator=torch.Generator().manual_seed(seed + 1)), y


def images_task() -> Task:
    "Three classes of noisy 1x8x8 images ('img8'), 150 training and 60 test images."
    return Task('img8', *images(150), *images(60, seed=1), ['x', 'y', 'z'])


def sentences_task() -> Task:
    "Random 'sentences' of 7 words of 8 dims, 60 training and 30 test, 3 classes: noise, for shapes and dropout."
    g = torch.Generator().manual_seed(0)
    return Task('sentences', torch.randn(60, 7, 8, generator=g), torch.arange(60) % 3,
                torch.randn(30, 7, 8, generator=g), torch.arange(30) % 3, ['a', 'b', 'c'])
