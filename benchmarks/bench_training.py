"""Training speed: micrograd's moons demo on our package, on micrograd 0.1.0, and by hand.

    python benchmarks/bench_training.py [--repeats N] [--steps N] [--base REV] [--json PATH]

All three start from the same 100 points and the same initial weights (written to a setup
file that every worker reads), and each run is a fresh process (both packages are named
`micrograd`). A run's figure is its median step time; the table gives the median over the
runs. The loss trajectories must agree, step by step, within 1e-9 (0.1.0's) and 1e-12 (the
re-run loop's, against our eager loop's). `--base REV` also times our eager loop at an earlier
commit, in the same interleaved rounds, to show that a change kept its speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_engine import KARPATHY, NAMES, REPO, install_karpathy, positive, run_context, table

WORKER = Path(__file__).with_name("training.py")
IMPLS = ("ours", "ours-rerun", "0.1.0", "plain", "plain-skip")
LABELS = {
    **NAMES,
    "ours-rerun": "ours, Graph re-run",
    "plain-skip": "plain floats, skipping zero grads",
    "base": "ours at the base commit",
}


def write_setup(path: Path) -> None:
    """The moons data (from our package, seeded) and micrograd-style initial weights."""
    sys.path.insert(0, str(REPO))
    from micrograd import data

    X, labels = data.moons(100, noise=0.1, seed=1)
    rng = random.Random(1337)
    weights = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):  # micrograd's init: w uniform in [-1, 1], b = 0
            weights += [rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0]
    path.write_text(json.dumps({"X": X, "y": data.signs(labels), "weights": weights}))


def export_commit(rev: str, folder: Path) -> Path:
    """Our package as it was at `rev`, unpacked into `folder` (git archive: no checkout)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev, "micrograd"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def run_worker(
    impl: str, setup: Path, steps: int, karpathy: Path, base: Path | None = None
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    package = {"ours": REPO, "ours-rerun": REPO, "0.1.0": karpathy, "base": base}.get(impl)
    if package:
        env["PYTHONPATH"] = str(package)
    command = [sys.executable, str(WORKER), impl, str(setup), str(steps)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{impl} failed:\n{proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout)
    if package and not Path(report["micrograd"]).resolve().is_relative_to(package.resolve()):
        sys.exit(f"{impl}: imported micrograd from {report['micrograd']}, not from {package}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=positive, default=5, help="runs per implementation")
    parser.add_argument("--steps", type=positive, default=100, help="training steps per run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument("--base", metavar="REV", help="also time our eager loop at this commit")
    args = parser.parse_args()
    args.quick = args.steps < 100

    karpathy = install_karpathy()
    start = time.perf_counter()
    impls = IMPLS + (("base",) if args.base else ())
    runs: dict[str, list[dict[str, Any]]] = {impl: [] for impl in impls}
    with tempfile.TemporaryDirectory() as tmp:
        setup = Path(tmp) / "setup.json"
        write_setup(setup)
        base = None
        if args.base:
            (Path(tmp) / "base").mkdir()
            base = export_commit(args.base, Path(tmp) / "base")
        for round_number in range(1, args.repeats + 1):
            for impl in impls:  # interleaved, so that a burst of noise hits all alike
                runs[impl].append(run_worker(impl, setup, args.steps, karpathy, base))
            print(f"round {round_number}/{args.repeats} done", file=sys.stderr)

    step = {
        impl: statistics.median(statistics.median(run["step_seconds"]) for run in impl_runs)
        for impl, impl_runs in runs.items()
    }
    drift = max(abs(a - b) for a, b in zip(runs["ours"][0]["losses"], runs["0.1.0"][0]["losses"]))
    rerun_drift = max(
        abs(a - b) for a, b in zip(runs["ours"][0]["losses"], runs["ours-rerun"][0]["losses"])
    )
    plain_drift = max(
        abs(a - b) for a, b in zip(runs["ours"][0]["losses"], runs["plain"][0]["losses"])
    )
    grid = statistics.median(run["grid_no_grad"] for run in runs["ours"])
    grid_step = statistics.median(run["grid_step"] for run in runs["ours"])
    context = run_context({"all": runs["ours"]}, args)
    context["gc"] = "on" if all(r["gc_enabled"] for rs in runs.values() for r in rs) else "OFF"

    print(f"micrograd {context['ours']} (ours) vs micrograd {KARPATHY} vs plain floats")
    print(f"Python {context['python']}, garbage collector {context['gc']}")
    print(f"{context['platform']}, {context['cpus']} CPUs, {context['date']}")
    print(f"medians over {args.repeats} runs of {args.steps} steps, each run a fresh process")
    rows = [
        [LABELS[impl], f"{step[impl] * 1e3:.2f}", f"{step[impl] / step['plain']:.1f}x"]
        for impl in impls
    ]
    table("Moons demo: MLP 2-16-16-1, 100 points, full batch", ["", "ms/step", "x plain"], rows)
    losses = runs["ours"][0]["losses"]
    print(f"\n  loss: {losses[0]:.6f} at the first step, {losses[-1]:.6f} at the last")
    print(f"  grid 100 x 100 under no_grad: {grid * 1e3:.0f} ms;", end=" ")
    print(f"one step on its 10,000 points: {grid_step * 1e3:.0f} ms")

    checks = [
        (
            f"ours >= 60x faster per step than {KARPATHY}",
            step["0.1.0"] / step["ours"],
            lambda r: r >= 60,
        ),
        (
            "ours <= 3.5x the plain-float time per step",
            step["ours"] / step["plain"],
            lambda r: r <= 3.5,
        ),
        (
            "ours, re-running one Graph, <= 1.5x the plain-float time per step",
            step["ours-rerun"] / step["plain"],
            lambda r: r <= 1.5,
        ),
        ("grid under no_grad < 1/4 of a step on it", grid / grid_step, lambda r: r < 0.25),
    ]
    if args.base:
        checks.append(
            (
                f"ours within 5% of the base commit ({args.base}) per step",
                step["ours"] / step["base"],
                lambda r: r <= 1.05,
            )
        )
    print("\nTargets" + (" (fewer steps than the demo: a smoke run)" if args.quick else ""))
    for goal, ratio, passes in checks:
        print(f"  {'PASS' if passes(ratio) else 'FAIL'}  {goal}: {ratio:.2f}x")
    same = drift <= 1e-9
    verdict = "PASS" if same else "FAIL"
    print(f"  {verdict}  loss trajectory equals {KARPATHY}'s within 1e-9: max diff {drift:.1e}")
    print(f"  (and plain floats': max diff {plain_drift:.1e})")
    verdict = "PASS" if rerun_drift <= 1e-12 else "FAIL"
    print(f"  {verdict}  re-run losses equal the eager ones within 1e-12: max {rerun_drift:.1e}")
    skipping = step["ours"] / step["plain-skip"]
    print(f"  (ours is {skipping:.1f}x the plain floats that skip zero gradients, as ours does)")
    print(f"\n({time.perf_counter() - start:.0f} s)")

    if args.json:
        figures = {
            **context,
            "ms_per_step": {impl: step[impl] * 1e3 for impl in impls},
            "loss_max_diff_vs_0.1.0": drift,
            "loss_max_diff_rerun_vs_eager": rerun_drift,
            "grid_no_grad_ms": grid * 1e3,
            "grid_step_ms": grid_step * 1e3,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
