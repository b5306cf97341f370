"""The benchmark workloads: one run of one workload, in this process, printed as JSON.

    python benchmarks/workloads.py IMPL WORKLOAD N

`bench_engine.py` starts this script once per measurement. IMPL `ours` and `0.1.0` both
import a package named `micrograd`, whichever one PYTHONPATH finds first, which is why each
run needs a process of its own; `plain` is the same work written by hand with floats and
lists: a floor that no engine written in Python can go below. The three versions of each
workload sit side by side below, so that a reader can check they do the same work.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import random
import sys
import tracemalloc
from collections.abc import Callable
from time import perf_counter
from typing import Any

IMPLS = ("ours", "0.1.0", "plain")
WORKLOADS = ("chain", "memory", "products")

# The chain repeats x -> tanh(x) * SCALE + SHIFT: its values settle near 0.44 and never
# overflow, whatever the length of the chain.
CHAIN_START, CHAIN_SCALE, CHAIN_SHIFT = 0.3, 0.5, 0.25


def random_data(n: int, seed: int) -> list[float]:
    """The same n floats in every process, so that the results can be compared."""
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)]


def pairwise_sum(terms: list[Any]) -> Any:
    """Sum as a balanced binary tree, log2(n) deep: 0.1.0's recursive backward survives it."""
    while len(terms) > 1:
        sums = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        if len(terms) % 2:
            sums.append(terms[-1])  # the odd one out goes up a level unchanged
        terms = sums
    return terms[0]


def level_lengths(n: int) -> list[int]:
    """How many terms each level of `pairwise_sum`'s tree has, from the n leaves to the root."""
    lengths = [n]
    while lengths[-1] > 1:
        lengths.append((lengths[-1] + 1) // 2)
    return lengths


def timed(start: float, forward_done: float, end: float, result: list[float]) -> dict[str, Any]:
    """A timed run's report: seconds forward and backward, and the output and grads, which
    bench_engine.py compares between implementations to check that they did the same work."""
    return {"forward": forward_done - start, "backward": end - forward_done, "result": result}


# ------------------------------------------------------------- A. deep chain


def chain_graph(value: Any, unary: Callable[[Any], Any], n: int) -> dict[str, Any]:
    """n ops cycling unary, * a leaf, + a leaf; then backward() from the end of the chain."""
    x, scale, shift = value(CHAIN_START), value(CHAIN_SCALE), value(CHAIN_SHIFT)
    gc.collect()  # every run starts from the same garbage collector state
    start = perf_counter()
    out = x
    for i in range(n):
        step = i % 3
        if step == 0:
            out = unary(out)
        elif step == 1:
            out = out * scale
        else:
            out = out + shift
    forward_done = perf_counter()
    out.backward()
    end = perf_counter()
    return timed(start, forward_done, end, [out.data, x.grad, scale.grad, shift.grad])


def chain_plain(n: int) -> dict[str, Any]:
    """The same chain with floats, and its backward derived by hand."""
    x, scale, shift = CHAIN_START, CHAIN_SCALE, CHAIN_SHIFT
    gc.collect()
    start = perf_counter()
    outs = [x]  # every op's output: backward needs them, as a graph keeps them
    out = x
    for i in range(n):
        step = i % 3
        if step == 0:
            out = math.tanh(out)
        elif step == 1:
            out = out * scale
        else:
            out = out + shift
        outs.append(out)
    forward_done = perf_counter()
    grad, scale_grad, shift_grad = 1.0, 0.0, 0.0  # grad: d(out)/d(the current op's input)
    for i in reversed(range(n)):
        step = i % 3
        if step == 0:
            t = outs[i + 1]
            grad *= 1.0 - t * t
        elif step == 1:
            scale_grad += outs[i] * grad
            grad *= scale
        else:
            shift_grad += grad
    end = perf_counter()
    return timed(start, forward_done, end, [out, grad, scale_grad, shift_grad])


# ------------------------------------------------------- B. memory of a * b


def memory(make_leaf: Callable[[float], Any], n: int) -> dict[str, Any]:
    """Bytes that n products of pre-made leaves keep alive, per product (tracemalloc's view)."""
    a = [make_leaf(v) for v in random_data(n, seed=1)]
    b = [make_leaf(v) for v in random_data(n, seed=2)]
    products = [None] * n  # allocated before measuring, so that only the products count
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for i in range(n):
        products[i] = a[i] * b[i]
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"bytes_per_node": (after - before) / n}


# ------------------------------------- C. products summed as a balanced tree


def products_graph(value: Any, n: int) -> dict[str, Any]:
    """n products of leaf pairs, summed pairwise; then backward() to all 2n leaves."""
    a = [value(v) for v in random_data(n, seed=1)]
    b = [value(v) for v in random_data(n, seed=2)]
    gc.collect()
    start = perf_counter()
    out = pairwise_sum([x * y for x, y in zip(a, b)])
    forward_done = perf_counter()
    out.backward()
    end = perf_counter()
    a_grad = math.fsum(x.grad for x in a)
    b_grad = math.fsum(y.grad for y in b)
    return timed(start, forward_done, end, [out.data, a_grad, b_grad])


def products_plain(n: int) -> dict[str, Any]:
    """The same sum of products with floats, and its backward derived by hand."""
    a, b = random_data(n, seed=1), random_data(n, seed=2)
    gc.collect()
    start = perf_counter()
    out = pairwise_sum([x * y for x, y in zip(a, b)])
    forward_done = perf_counter()
    # Down the tree from the root: a sum hands its grad to both of its terms, and term i of
    # a level is a term of sum i // 2 in the level above it.
    grads = [1.0]
    for length in reversed(level_lengths(n)[:-1]):
        grads = [grads[i // 2] for i in range(length)]
    a_grads = [y * grad for y, grad in zip(b, grads)]  # d(x * y)/dx = y
    b_grads = [x * grad for x, grad in zip(a, grads)]
    end = perf_counter()
    return timed(start, forward_done, end, [out, math.fsum(a_grads), math.fsum(b_grads)])


# ------------------------------------------------------------------ dispatch


def run(impl: str, workload: str, n: int) -> dict[str, Any]:
    """One run of one workload by one implementation."""
    if impl == "plain":
        if workload == "chain":
            return chain_plain(n)
        if workload == "memory":
            return memory(float, n)
        return products_plain(n)

    from micrograd.engine import Value

    if workload == "memory":
        return memory(Value, n)
    if workload == "products":
        return products_graph(Value, n)
    if impl == "ours":
        return chain_graph(Value, Value.tanh, n)
    # 0.1.0 has no tanh: relu, its only unary op, takes its place. Its backward sorts the
    # graph recursively, one Python frame per node of depth, so the default limit of 1,000
    # frames would stop it long before n.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), n + 1_000))
    return chain_graph(Value, Value.relu, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=IMPLS)
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("n", type=int)
    args = parser.parse_args()
    try:
        report = run(args.impl, args.workload, args.n)
    except RecursionError:
        report = {"error": "RecursionError"}
    # Which micrograd ran (bench_engine.py checks it is the one it meant), on what Python.
    micrograd = sys.modules.get("micrograd")
    report["micrograd"] = micrograd.__file__ if micrograd else None
    report["version"] = getattr(micrograd, "__version__", None)  # 0.1.0 has none
    report["python"] = platform.python_version()
    report["gc_enabled"] = gc.isenabled()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
