"""Small 2-D datasets to train on and plot, made with the standard library alone.

Each generator returns `(X, y)`: `X` a list of [x1, x2] points and `y` a list of class
labels 0, 1, ... (for -1/+1 labels, as the max-margin loss wants, use `signs(y)`). A given
seed gives the same data on every machine; the points come out shuffled.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence

from .messages import short_repr

Points = list[list[float]]
Labels = list[int]


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Points, Labels]:
    """Two interleaving half circles (as scikit-learn's make_moons): class 0 on top."""
    rng = _rng(n, noise, seed, "moons")
    n_top = n // 2
    points, labels = [], []
    for i in range(n):
        if i < n_top:
            angle = math.pi * i / max(n_top - 1, 1)
            points.append([math.cos(angle), math.sin(angle)])
            labels.append(0)
        else:
            angle = math.pi * (i - n_top) / max(n - n_top - 1, 1)
            points.append([1.0 - math.cos(angle), 0.5 - math.sin(angle)])
            labels.append(1)
    return _shuffled(_jitter(points, noise, rng), labels, rng)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[Points, Labels]:
    """A small circle (class 1) inside a big one (class 0); `factor` is the radius ratio."""
    rng = _rng(n, noise, seed, "circles")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles needs 0 < factor < 1, got {short_repr(factor)}")
    n_outer = n // 2
    points, labels = [], []
    for i in range(n):
        outer = i < n_outer
        count = n_outer if outer else n - n_outer
        angle = 2 * math.pi * (i if outer else i - n_outer) / count
        radius = 1.0 if outer else factor
        points.append([radius * math.cos(angle), radius * math.sin(angle)])
        labels.append(0 if outer else 1)
    return _shuffled(_jitter(points, noise, rng), labels, rng)


def xor(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Points, Labels]:
    """Points in the square [-1, 1]^2; class 1 where x1 and x2 have the same sign."""
    rng = _rng(n, noise, seed, "xor")
    points: Points = []
    labels: Labels = []
    while len(points) < n:
        x1, x2 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        if abs(x1) < 0.05 or abs(x2) < 0.05:  # keep a visible gap between the quadrants
            continue
        points.append([x1, x2])
        labels.append(int((x1 > 0) == (x2 > 0)))
    return _shuffled(_jitter(points, noise, rng), labels, rng)


def spiral(
    n: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[Points, Labels]:
    """`classes` arms winding out from the centre, one class per arm: hard for a shallow net."""
    rng = _rng(n, noise, seed, "spiral")
    _check_classes(classes, "spiral")
    points, labels = [], []
    for i in range(n):
        arm = i % classes
        t = (i // classes) / max((n - 1) // classes, 1)  # 0 at the centre, 1 at the rim
        angle = 4.0 * t + 2 * math.pi * arm / classes + rng.gauss(0.0, noise)
        points.append([t * math.sin(angle), t * math.cos(angle)])
        labels.append(arm)
    return _shuffled(points, labels, rng)


def blobs(
    n: int = 100, centers: int = 3, spread: float = 0.3, seed: int = 0
) -> tuple[Points, Labels]:
    """Round clusters of points around `centers` evenly spaced centres on the unit circle."""
    rng = _rng(n, spread, seed, "blobs", noise_name="spread")
    _check_classes(centers, "blobs")
    points, labels = [], []
    for i in range(n):
        k = i % centers
        angle = 2 * math.pi * k / centers
        points.append([math.cos(angle), math.sin(angle)])
        labels.append(k)
    return _shuffled(_jitter(points, spread, rng), labels, rng)


DATASETS: dict[str, Callable[..., tuple[Points, Labels]]] = {
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "spiral": spiral,
    "blobs": blobs,
}


def signs(labels: Sequence[int]) -> list[float]:
    """Labels 0/1 as -1.0/+1.0, the form the max-margin loss takes."""
    wrong = [label for label in labels if label not in (0, 1)]
    if wrong:
        raise ValueError(f"signs() takes labels 0 and 1, got {short_repr(wrong[0])}")
    return [2.0 * label - 1.0 for label in labels]


def train_test_split(
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    test_fraction: float = 0.25,
    seed: int = 0,
) -> tuple[Points, Points, Labels, Labels]:
    """Shuffle the samples and hold out `test_fraction` of them: (X_train, X_test, y_train,
    y_test). Both parts get at least one sample."""
    if len(X) != len(y):
        raise ValueError(f"train_test_split needs one label per point, got {len(X)} and {len(y)}")
    if len(X) < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {len(X)}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {short_repr(test_fraction)}")
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    n_test = min(max(1, round(len(X) * test_fraction)), len(X) - 1)
    test, train = order[:n_test], order[n_test:]
    return (
        [list(X[i]) for i in train],
        [list(X[i]) for i in test],
        [y[i] for i in train],
        [y[i] for i in test],
    )


def _rng(n: int, noise: float, seed: int, name: str, noise_name: str = "noise") -> random.Random:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} needs n, the number of points, to be a whole number >= 1")
    number = isinstance(noise, (int, float)) and not isinstance(noise, bool)
    # The largest float, not inf: an int such as 10**400 is below inf but no float.
    if not (number and 0 <= noise <= sys.float_info.max):
        raise ValueError(f"{name} needs a finite {noise_name} >= 0, got {short_repr(noise)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{name} needs an int seed, got {type(seed).__name__}: {short_repr(seed)}")
    return random.Random(seed)


def _check_classes(k: int, name: str) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"{name} needs at least 2 classes, got {short_repr(k)}")


def _jitter(points: Points, noise: float, rng: random.Random) -> Points:
    return [[x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)] for x1, x2 in points]


def _shuffled(points: Points, labels: Labels, rng: random.Random) -> tuple[Points, Labels]:
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]
