"""Tests for micrograd.data: shapes, labels, determinism, and the split."""

from __future__ import annotations

import pytest

from micrograd import data

GENERATORS = sorted(data.DATASETS)


@pytest.mark.parametrize("name", GENERATORS)
def test_dataset_shapes_and_labels(name):
    X, y = data.DATASETS[name](n=60, seed=3)
    assert len(X) == len(y) == 60
    assert all(len(point) == 2 and all(isinstance(c, float) for c in point) for point in X)
    classes = sorted(set(y))
    assert classes == list(range(len(classes))) and len(classes) >= 2


@pytest.mark.parametrize("name", GENERATORS)
def test_dataset_is_deterministic_for_a_seed(name):
    make = data.DATASETS[name]
    assert make(n=40, seed=5) == make(n=40, seed=5)
    assert make(n=40, seed=5) != make(n=40, seed=6)


def test_datasets_are_pinned_across_machines_and_versions():
    X, y = data.moons(4, seed=0)
    assert X[0] == [-0.1016348894188071, 0.49278799772149284] and y == [1, 0, 0, 1]


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = data.moons(20, noise=0.0)
    for (x1, x2), label in zip(X, y):
        cx, cy = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert (x1 - cx) ** 2 + (x2 - cy) ** 2 == pytest.approx(1.0)


def test_spiral_and_blobs_have_k_balanced_classes():
    _, y = data.spiral(90, classes=3)
    assert [y.count(k) for k in range(3)] == [30, 30, 30]
    _, y = data.blobs(80, centers=4)
    assert [y.count(k) for k in range(4)] == [20] * 4


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = data.xor(50, noise=0.0)
    assert all(label == int((x1 > 0) == (x2 > 0)) for (x1, x2), label in zip(X, y))


def test_signs_maps_zero_one_to_minus_one_plus_one():
    assert data.signs([0, 1, 1]) == [-1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="labels 0 and 1, got 2"):
        data.signs([0, 2])


def test_train_test_split_partitions_deterministically():
    X, y = data.moons(40, seed=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(X_test) == len(y_test) == 10 and len(X_train) == len(y_train) == 30
    assert sorted(map(tuple, X_train + X_test)) == sorted(map(tuple, X))
    assert data.train_test_split(X, y, seed=1) == data.train_test_split(X, y, seed=1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.moons(0), "whole number >= 1"),
        (lambda: data.moons(10, noise=-1), "noise >= 0"),
        (lambda: data.spiral(10, classes=1), "at least 2 classes"),
        (lambda: data.circles(10, factor=2.0), "0 < factor < 1"),
        (lambda: data.train_test_split([[0.0, 0.0]], [0]), "at least 2 samples"),
        (lambda: data.train_test_split([[0.0, 0.0]] * 3, [0, 1]), "one label per point"),
        (
            lambda: data.train_test_split([[0.0, 0.0]] * 3, [0] * 3, test_fraction=1.0),
            "between 0 and 1",
        ),
    ],
)
def test_bad_dataset_arguments_are_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
