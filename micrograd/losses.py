"""Losses: one number that says how wrong the predictions are, so backward() can tell
every weight which way to move. Each loss is written with the engine's ops, so its
gradient needs no code of its own; the n-ary ops keep a loss over a whole batch to a few
nodes instead of a chain as long as the batch.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Iterable, Sequence
from typing import Any, cast

from .engine import Operand, Value
from .messages import short_repr


def mse(predictions: Sequence[Operand], targets: Sequence[float]) -> Value:
    """Mean squared error: mean of (prediction - target)**2 over the samples."""
    predictions, targets = _check_batch(predictions, targets, "mse")
    errors = [_value(p, "mse", i) - t for i, (p, t) in enumerate(zip(predictions, targets))]
    return Value.dot(errors, errors) / len(errors)


def max_margin(scores: Sequence[Operand], labels: Sequence[float]) -> Value:
    """The hinge loss of micrograd's moons demo: mean of relu(1 - label * score).

    Labels are -1 or +1; a sample costs nothing once its score has the right sign
    with a margin of at least 1.
    """
    scores, labels = _check_batch(scores, labels, "max_margin")
    _check_labels(labels, (-1, 1), "max_margin", "use -1 and +1")
    margins = [
        (1 - label * _value(score, "max_margin", i)).relu()
        for i, (score, label) in enumerate(zip(scores, labels))
    ]
    return Value.sum(margins) / len(margins)


def binary_cross_entropy(logits: Sequence[Operand], labels: Sequence[float]) -> Value:
    """Mean of -[y ln sigmoid(z) + (1 - y) ln(1 - sigmoid(z))] over samples, from logits z.

    Written as softplus(z) - y * z, which is the same thing, never takes the log of 0,
    and never overflows, even for logits of +-1000. Labels are 0 or 1.
    """
    logits, labels = _check_batch(logits, labels, "binary_cross_entropy")
    _check_labels(labels, (0, 1), "binary_cross_entropy", "use 0 and 1")
    values = [_value(z, "binary_cross_entropy", i) for i, z in enumerate(logits)]
    losses = [z.softplus() - y * z for z, y in zip(values, labels)]
    return Value.sum(losses) / len(losses)


def cross_entropy(logits: Sequence[Sequence[Operand]], labels: Sequence[int]) -> Value:
    """Softmax cross-entropy for several classes: mean of logsumexp(z) - z[label].

    `logits` holds one list of class scores per sample; `labels` the right class index.
    """
    logits, labels = _check_batch(logits, labels, "cross_entropy")
    losses = []
    for i, (scores, label) in enumerate(zip(logits, labels)):
        if isinstance(scores, Value) or not isinstance(scores, Sequence) or not scores:
            raise TypeError(
                "cross_entropy needs a list of class scores per sample; "
                f"sample {i} is {short_repr(scores)}"
            )
        index = _class_index(label)
        if index is None or not 0 <= index < len(scores):
            raise ValueError(
                f"cross_entropy: label of sample {i} must be a class index 0..{len(scores) - 1}, "
                f"got {short_repr(label)}"
            )
        values = [_value(s, "cross_entropy", i) for s in scores]
        losses.append(Value.logsumexp(values) - values[index])
    return Value.sum(losses) / len(losses)


def l2(parameters: Sequence[Value], alpha: float) -> Value:
    """An L2 penalty, alpha * sum of squared weights: pulls every weight towards 0."""
    parameters = list(parameters)
    return alpha * Value.dot(parameters, parameters)


def accuracy(scores: Sequence[Operand], labels: Sequence[float]) -> float:
    """The fraction of samples whose score has the sign of its -1/+1 label (no graph).

    As in micrograd's demo, (score > 0) == (label > 0): a score of 0 counts as negative,
    and so does a label of 0, so 0/1 labels work too.
    """
    scores, labels = _check_batch(scores, labels, "accuracy")
    right: int = sum((float(score) > 0) == (label > 0) for score, label in zip(scores, labels))
    return right / len(labels)


def _value(x: object, loss: str, sample: int) -> Value:
    """One sample's prediction as a Value (for cross_entropy, one of its class scores)."""
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):  # numpy's numbers and Fraction too, as Value() takes
        return Value(cast(float, x))  # Value() converts any real number
    if loss == "cross_entropy":  # its samples are lists already: the hint below is wrong
        raise TypeError(
            f"cross_entropy takes a number or Value per class score, but sample {sample} has "
            f"a {type(x).__name__}: {short_repr(x)}"
        )
    raise TypeError(
        f"{loss} takes one number or Value per sample, but sample {sample} is "
        f"{type(x).__name__}: {short_repr(x)}. A model with several outputs returns a list per "
        "sample: use cross_entropy, or pick one output."
    )


def _class_index(label: object) -> int | None:
    if isinstance(label, bool):
        return None
    try:
        return operator.index(label)  # type: ignore[arg-type]  # int, numpy's integers too
    except TypeError:
        return None


def _check_batch(
    predictions: Iterable[Any], targets: Iterable[Any], loss: str
) -> tuple[list[Any], list[Any]]:
    """Both as lists (generators are fine), after checking they pair up one to one."""
    if isinstance(predictions, Value) or isinstance(targets, numbers.Real):
        raise TypeError(f"{loss} takes a list of predictions and a list of targets, one per sample")
    predictions, targets = list(predictions), list(targets)
    if len(predictions) != len(targets):
        raise ValueError(
            f"{loss} needs one target per prediction, got {len(predictions)} predictions "
            f"and {len(targets)} targets"
        )
    if not predictions:
        raise ValueError(f"{loss} needs at least one sample, got none")
    return predictions, targets


def _check_labels(labels: Sequence[float], allowed: tuple[int, int], loss: str, fix: str) -> None:
    wrong = [label for label in labels if label not in allowed]
    if wrong:
        raise ValueError(
            f"{loss} labels must be {allowed[0]} or {allowed[1]}, got {short_repr(wrong[0])}: "
            + fix
        )
