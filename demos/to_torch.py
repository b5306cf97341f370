"""When you outgrow micrograd: the moons model trained in micrograd, then in PyTorch.

    python demos/to_torch.py          # needs PyTorch: pip install 'micrograd[torch]'
    python demos/to_torch.py --steps 50 --torch-steps 2000

The moons demo's MLP(2, [16, 16, 1]) first learns in micrograd, one Value at a time: every
step builds a graph of some 7,500 scalars for backward() to walk. Then
`model.to_torch()` copies it, weight for weight, into a float64 torch.nn.Sequential of
Linear layers, and PyTorch carries on training it with the same max-margin loss, the same
L2 penalty and plain gradient descent, but as one batched tensor computation: all the
points go through a layer as one matrix product. Each prints its time per step. PyTorch
uses a GPU if there is one (--device cpu keeps it on the processor).

`MLP.from_torch()` brings the trained network back into micrograd, and
to_torch_boundary.png shows its decision boundary next to the one micrograd had learned.

What changes on the way: numbers become tensors, a layer becomes a matrix product and a
batch one more dimension, so the graph has a few dozen nodes instead of thousands.
What stays: the loop (forward pass, loss, backward, step) and the chain rule that backward()
applies to every node of the graph.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from micrograd import MLP, SGD, data, no_grad
from micrograd.cli.options import (
    MAX_STEPS,
    CommandError,
    add_options,
    demo_parser,
    run_command,
    whole_number,
)
from micrograd.cli.training import (
    check_graph_size,
    falling_rate,
    load_dataset,
    make_model,
    train,
)
from micrograd.torch_bridge import require_torch
from micrograd.viz.plots import architecture, output_folder, plot_boundaries


def main(argv: list[str] | None = None) -> list[Path]:
    """Train in micrograd, export, train on in PyTorch, import back, draw both boundaries."""
    parser = demo_parser(__doc__, "python demos/to_torch.py --steps 50 --torch-steps 2000")
    add_options(parser, "hidden steps lr alpha points noise seed out resolution", steps=50)
    option = parser.add_argument
    option(
        "--torch-steps",
        type=whole_number(1, MAX_STEPS),
        default=1000,
        metavar="N",
        help="steps in PyTorch",
    )
    option("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where PyTorch runs")
    args = parser.parse_args(argv)
    check_graph_size(args.points, args.hidden, classes=2)
    try:
        torch = require_torch("demos/to_torch.py")
    except ModuleNotFoundError as error:
        raise CommandError(str(error)) from None
    device = _device(torch, args.device)
    if device.type == "cpu":
        # Matrices of 100 x 16 are too small to share out: a second thread only waits for
        # the first (on a busy machine, ten times slower than one thread alone).
        torch.set_num_threads(1)
    out = output_folder(args.out)

    X, y = load_dataset("moons", args.points, args.noise, args.seed)
    model = make_model(args.hidden, 2, "relu", args.seed)
    print(f"Training {model} on {len(X)} moons points in micrograd, {args.steps} steps:")
    # A falling rate, as in the moons demo; PyTorch goes on at the rate where it ends.
    optimizer = SGD(model.parameters(), lr=falling_rate(args.lr, args.steps))
    start = time.perf_counter()
    history = train(model, X, y, optimizer, steps=args.steps, loss="max-margin", alpha=args.alpha)
    micrograd_step = (time.perf_counter() - start) / args.steps
    print(
        f"  micrograd: max-margin loss {history.loss[-1]:.4f}, {history.summary()}; "
        f"{micrograd_step * 1000:.2f} ms per step"
    )

    module = model.to_torch().to(device)
    inputs = torch.tensor(X, dtype=torch.float64, device=device)
    labels = torch.tensor(data.signs(y), dtype=torch.float64, device=device)
    with torch.no_grad(), no_grad():
        scores = module(inputs).squeeze(1).tolist()
        gap = max(abs(model(x).data - score) for x, score in zip(X, scores))
    print(
        f"model.to_torch() made this float64 module, on {device}:\n  "
        + str(module).replace("\n", "\n  ")
        + f"\n  Its scores differ from micrograd's by at most {gap:.1e}: the same function."
    )

    print(
        f"PyTorch trains it on for {args.torch_steps} steps, all {len(X)} points as one "
        "batched tensor computation:"
    )
    rate = args.lr / 10  # where micrograd's falling rate ended
    torch_optimizer = torch.optim.SGD(module.parameters(), lr=rate)
    _synchronize(torch, device)
    start = time.perf_counter()
    for _ in range(args.torch_steps):
        scores = module(inputs).squeeze(1)  # forward pass: every point at once
        loss = torch.relu(1.0 - labels * scores).mean()  # max-margin, as micrograd's
        penalty = args.alpha * sum((p * p).sum() for p in module.parameters())  # L2, as l2()
        torch_optimizer.zero_grad()
        (loss + penalty).backward()  # the chain rule, over a graph of tensors
        torch_optimizer.step()
    _synchronize(torch, device)  # a GPU runs ahead of Python: wait for it before timing
    torch_step = (time.perf_counter() - start) / args.torch_steps
    accuracy = ((scores > 0) == (labels > 0)).double().mean().item()
    print(
        f"  PyTorch: max-margin loss {loss.item():.4f}, training accuracy {accuracy:.0%}; "
        f"{torch_step * 1000:.3f} ms per step, {micrograd_step / torch_step:.0f} times "
        "faster than micrograd's"
    )

    back = MLP.from_torch(module)
    with no_grad():
        back_scores = [back(x).data for x in X]
    right = sum((score > 0) == (label == 1) for score, label in zip(back_scores, y))
    print(
        f"MLP.from_torch() brings it back into micrograd, every weight exact: "
        f"{right} of {len(X)} points right there too."
    )
    panels = [
        (f"micrograd, {args.steps} steps", model),
        (f"then PyTorch, {args.torch_steps} more", back),
    ]
    title = f"{architecture(model)}: trained in micrograd, then in PyTorch"
    return [plot_boundaries(panels, X, y, out / "to_torch_boundary.png", title, args.resolution)]


def _device(torch: Any, wanted: str) -> Any:
    """A GPU if one is there (or asked for), else the processor."""
    if wanted == "cuda" and not torch.cuda.is_available():
        raise CommandError("--device cuda: PyTorch finds no CUDA GPU here; use --device cpu")
    if wanted == "auto":
        wanted = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(wanted)


def _synchronize(torch: Any, device: Any) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


if __name__ == "__main__":
    sys.exit(run_command("to_torch.py", main))
