"""Speed and memory of our engine, against micrograd 0.1.0 and against hand-written floats.

    python benchmarks/bench_engine.py [--repeats N] [--quick] [--json PATH]

Three workloads (see benchmarks/README.md), each run by three implementations: ours, Karpathy's
micrograd 0.1.0 from PyPI, and plain floats with a hand-derived backward. Both engines are
packages named `micrograd`, so every measurement runs `workloads.py` in a process of its own,
with PYTHONPATH pointing at one of them. The machine is shared and noisy, so each measurement
is repeated, rounds interleave the implementations so that a burst of noise hits them alike,
and the figures are medians. The targets are ratios between figures of the same run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("workloads.py")
KARPATHY = "0.1.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "micrograd-bench"
NAMES = {"ours": "ours", "0.1.0": f"micrograd {KARPATHY}", "plain": "plain floats"}

Key = tuple[str, str, int]  # one measurement: (workload, impl, n)
Figures = dict[str, Any]  # the medians of one measurement, or its "error"


@dataclass(frozen=True)
class Sizes:
    chain_short: int
    chain_long: int
    products: int  # a * b nodes in workloads B and C


FULL = Sizes(chain_short=10_000, chain_long=1_000_000, products=100_000)
QUICK = Sizes(chain_short=1_000, chain_long=20_000, products=5_000)


def plan(sizes: Sizes) -> list[Key]:
    """The measurements of one round, in the order of the tables."""
    impls = ("ours", "0.1.0", "plain")
    return [
        *(("chain", impl, sizes.chain_short) for impl in impls),
        # 0.1.0 sorts the graph recursively: a chain this long is out of its reach.
        ("chain", "ours", sizes.chain_long),
        ("chain", "plain", sizes.chain_long),
        *(("memory", impl, sizes.products) for impl in impls),
        *(("products", impl, sizes.products) for impl in impls),
    ]


# --------------------------------------------------------------- measuring


def install_karpathy() -> Path:
    """micrograd 0.1.0 from PyPI, in a folder of its own: installed once, then reused."""
    folder = CACHE / KARPATHY
    if (folder / "micrograd" / "engine.py").exists():
        return folder
    print(f"installing micrograd {KARPATHY} into {folder}", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)  # whatever an interrupted install left
    # Install into a temporary folder and rename it into place: a failed install leaves
    # no half-filled cache behind.
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        target = Path(tmp) / "site"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--no-deps", "--target", str(target), f"micrograd=={KARPATHY}"]
        if subprocess.run(command).returncode != 0:
            sys.exit(f"could not install micrograd {KARPATHY}: {' '.join(command)} failed")
        target.rename(folder)
    return folder


def run_worker(key: Key, karpathy: Path) -> dict[str, Any]:
    """One run of one workload in a fresh process: its JSON report, or an "error"."""
    workload, impl, n = key
    package = {"ours": REPO, "0.1.0": karpathy}.get(impl)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # so that no other micrograd comes first
    if package:
        env["PYTHONPATH"] = str(package)
    command = [sys.executable, str(WORKER), impl, workload, str(n)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    if proc.returncode != 0:  # an error the worker could not catch, such as a segfault
        print(proc.stderr, file=sys.stderr)
        return {"error": f"crashed (exit code {proc.returncode})"}
    report: dict[str, Any] = json.loads(proc.stdout)
    if package and not Path(report["micrograd"]).resolve().is_relative_to(package.resolve()):
        sys.exit(f"{impl}: imported micrograd from {report['micrograd']}, not from {package}")
    return report


def measure(keys: list[Key], repeats: int, karpathy: Path) -> dict[Key, list[dict[str, Any]]]:
    """Every measurement `repeats` times: round after round of all of them."""
    runs: dict[Key, list[dict[str, Any]]] = {key: [] for key in keys}
    for round_number in range(1, repeats + 1):
        start = time.perf_counter()
        for key in keys:
            if runs[key] and "error" in runs[key][-1]:
                continue  # it would only fail again
            runs[key].append(run_worker(key, karpathy))
        seconds = time.perf_counter() - start
        print(f"round {round_number}/{repeats}: {seconds:.1f} s", file=sys.stderr)
    return runs


def median(runs: list[dict[str, Any]]) -> Figures:
    """The median of each figure over the runs of one measurement."""
    if "error" in runs[-1]:
        return {"error": runs[-1]["error"]}
    if "bytes_per_node" in runs[0]:
        return {"bytes_per_node": statistics.median(run["bytes_per_node"] for run in runs)}
    return {
        "forward": statistics.median(run["forward"] for run in runs),
        "backward": statistics.median(run["backward"] for run in runs),
        # The median of the totals: the sum of the two medians above is no run's figure.
        "total": statistics.median(run["forward"] + run["backward"] for run in runs),
        "result": runs[0]["result"],
    }


# ----------------------------------------------------------------- targets


@dataclass
class Target:
    workload: str
    goal: str
    measured: str
    passed: bool | None  # None: a figure it needs is missing, so there is no verdict


def ratio_target(
    workload: str,
    goal: str,
    top: float | None,
    bottom: float | None,
    unit: str,
    passes: Callable[[float], bool],
) -> Target:
    """A target on top / bottom, two figures of this run (None: not measured)."""
    if top is None or bottom is None:
        return Target(workload, goal, "not measured", None)
    ratio = top / bottom
    return Target(workload, goal, f"{top:.4g} / {bottom:.4g} {unit} = {ratio:.2f}x", passes(ratio))


def targets(medians: dict[Key, Figures], sizes: Sizes) -> list[Target]:
    """The targets of our issue, judged on this run's medians."""

    def figure(key: Key, name: str, scale: float = 1.0) -> float | None:
        value = medians[key].get(name)
        return None if value is None else value * scale

    short, long, n = sizes.chain_short, sizes.chain_long, sizes.products
    ours_long = medians["chain", "ours", long]
    completed = "error" not in ours_long
    done = f"in {ours_long['total']:.2f} s" if completed else ours_long["error"]
    return [
        Target("A", f"ours completes a chain of {long:,} ops", done, completed),
        ratio_target(
            "A",
            f"time per op at {long:,} <= 2x that at {short:,}",
            figure(("chain", "ours", long), "total", scale=1e6 / long),
            figure(("chain", "ours", short), "total", scale=1e6 / short),
            "us",
            lambda ratio: ratio <= 2,
        ),
        ratio_target(
            "B",
            f"bytes per a * b node, ours <= 0.35x {KARPATHY}'s",
            figure(("memory", "ours", n), "bytes_per_node"),
            figure(("memory", "0.1.0", n), "bytes_per_node"),
            "B",
            lambda ratio: ratio <= 0.35,
        ),
        ratio_target(
            "C",
            f"time, {KARPATHY}'s >= 3.5x ours (a guard: readability first)",
            figure(("products", "0.1.0", n), "total", scale=1e3),
            figure(("products", "ours", n), "total", scale=1e3),
            "ms",
            lambda ratio: ratio >= 3.5,
        ),
    ]


# --------------------------------------------------------------- reporting


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """Print rows under a header: the first column aligned left, the others right."""
    rows = [row + [""] * (len(header) - len(row)) for row in rows]  # an error's row is short
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        print("  " + "  ".join(cells).rstrip())


def times_plain(medians: dict[Key, Figures], key: Key, name: str) -> str:
    """A figure as a multiple of plain floats' figure for the same work."""
    workload, _, n = key
    plain = medians[workload, "plain", n].get(name)
    return f"{medians[key][name] / plain:.1f}x" if plain else "n/a"


def timing_rows(medians: dict[Key, Figures], workload: str) -> list[list[str]]:
    """Per measurement: its size, median times, time per op or product, and x plain."""
    rows = []
    for key, figures in medians.items():
        if key[0] != workload:
            continue
        _, impl, n = key
        name = NAMES[impl] + (" (relu for tanh)" if key[:2] == ("chain", "0.1.0") else "")
        if "error" in figures:
            rows.append([name, f"{n:,}", figures["error"]])
            continue
        forward, backward, total = (figures[part] for part in ("forward", "backward", "total"))
        times = [f"{seconds * 1e3:,.1f}" for seconds in (forward, backward, total)]
        each = f"{total / n * 1e6:.2f}"
        rows.append([name, f"{n:,}", *times, each, times_plain(medians, key, "total")])
    return rows


def memory_rows(medians: dict[Key, Figures]) -> list[list[str]]:
    """Per measurement: its size, median bytes per node, and x plain."""
    rows = []
    for key, figures in medians.items():
        if key[0] != "memory":
            continue
        _, impl, n = key
        if "error" in figures:
            rows.append([NAMES[impl], f"{n:,}", figures["error"]])
            continue
        size = f"{figures['bytes_per_node']:.0f}"
        rows.append([NAMES[impl], f"{n:,}", size, times_plain(medians, key, "bytes_per_node")])
    return rows


def disagreements(medians: dict[Key, Figures]) -> list[str]:
    """Timed runs whose output and grads differ from plain floats': a check that every
    version did the same work. (0.1.0's chain differs by design: relu in place of tanh.)"""
    found = []
    for key, figures in medians.items():
        workload, impl, n = key
        reference = medians.get((workload, "plain", n), {}).get("result")
        result = figures.get("result")
        if impl == "plain" or key[:2] == ("chain", "0.1.0") or not result or not reference:
            continue
        if not all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(result, reference)):
            found.append(f"{workload} {impl} n={n:,}: {result} != plain floats' {reference}")
    return found


def print_report(medians: dict[Key, Figures], found: list[Target], context: dict[str, Any]) -> None:
    print(f"micrograd {context['ours']} (ours) vs micrograd {KARPATHY} vs plain floats")
    print(f"Python {context['python']}, garbage collector {context['gc']}")
    print(f"{context['platform']}, {context['cpus']} CPUs, {context['date']}")
    print(f"medians of {context['repeats']} runs, each in a fresh process")

    times = ["forward ms", "backward ms", "total ms"]
    table(
        "A. Deep chain: tanh, * leaf, + leaf, cycled",
        ["", "ops", *times, "us/op", "x plain"],
        timing_rows(medians, "chain"),
    )
    print(f"  ({KARPATHY} has no tanh, and its recursive backward ran with the recursion limit")
    print("  raised to n + 1,000 frames: Python's default of 1,000 stops it near 1,000 ops.)")
    table(
        "B. Memory per a * b node (tracemalloc)",
        ["", "products", "bytes/node", "x plain"],
        memory_rows(medians),
    )
    table(
        "C. Products of leaf pairs, summed as a balanced tree",
        ["", "products", *times, "us/product", "x plain"],
        timing_rows(medians, "products"),
    )
    for line in disagreements(medians):
        print(f"\nWARNING: results differ: {line}")

    print(
        "\nTargets" + (" (--quick sizes: a smoke run, not a verdict)" if context["quick"] else "")
    )
    for target in found:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[target.passed]
        print(f"  {verdict:4}  {target.workload}. {target.goal}: {target.measured}")


def run_context(runs: dict[Key, list[dict[str, Any]]], args: argparse.Namespace) -> dict[str, Any]:
    """What the figures depend on, besides the code: Python, GC, machine, date."""
    finished = [run for key_runs in runs.values() for run in key_runs if "error" not in run]
    return {
        "ours": next((run["version"] for run in finished if run["version"]), "?"),
        "python": platform.python_version(),
        "gc": "on in every run" if all(run["gc_enabled"] for run in finished) else "OFF in some",
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": datetime.date.today().isoformat(),
        "repeats": args.repeats,
        "quick": args.quick,
    }


# ------------------------------------------------------------------------ main


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"needs a whole number of at least 1, got {text}")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=positive, default=5, metavar="N", help="runs per measurement (5)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the medians here")
    args = parser.parse_args()

    sizes = QUICK if args.quick else FULL
    karpathy = install_karpathy()
    start = time.perf_counter()
    runs = measure(plan(sizes), args.repeats, karpathy)
    medians = {key: median(key_runs) for key, key_runs in runs.items()}
    found = targets(medians, sizes)
    context = run_context(runs, args)
    print_report(medians, found, context)
    print(f"\n({time.perf_counter() - start:.0f} s for {args.repeats} rounds)")

    if args.json:
        raw = {
            **context,
            "sizes": asdict(sizes),
            "medians": [
                {"workload": w, "impl": i, "n": n, **medians[w, i, n]} for w, i, n in medians
            ],
            "targets": [asdict(target) for target in found],
        }
        args.json.write_text(json.dumps(raw, indent=2) + "\n")


if __name__ == "__main__":
    main()
