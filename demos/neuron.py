"""One neuron, forward and backward, every number printed: the chain rule by hand.

    python demos/neuron.py            # prints the steps, draws out/neuron.png

The neuron of the lecture takes two inputs, x1 = 2 and x2 = 0, weighs them with w1 = -3 and
w2 = 1, adds a bias b = 6.88... and squashes the sum with tanh:

    o = tanh(x1*w1 + x2*w2 + b)

The forward pass computes each value from the ones it is made of. The backward pass starts
from o.grad = 1 and walks back, applying one rule at every op, the chain rule:

    input.grad += local_grad * output.grad

where local_grad is how much the op's output moves when that input moves (for tanh,
1 - o**2; for +, 1; for *, the other input). The picture shows every value with its data
and grad, and each arrow with its local_grad, so the arithmetic can be checked by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from micrograd import Value
from micrograd.cli.options import add_options, demo_parser, run_command
from micrograd.viz.plots import output_folder, save_graph

# Why each op's local_grad, d(output)/d(input), is what it is, for the op's input number i.
LOCAL_GRAD_RULES = {
    "*": lambda node, i: f"{node.inputs[1 - i].label} (the other input of *)",
    "+": lambda node, i: "1 (+ passes grads on unchanged)",
    "tanh": lambda node, i: f"1 - {node.label}**2 (the slope of tanh)",
}


def neuron(x1: float, x2: float, w1: float, w2: float, b: float) -> list[Value]:
    """The neuron's values in the order the forward pass computes them; o comes last."""
    inputs = [Value(x1, label="x1"), Value(x2, label="x2")]
    weights = [Value(w1, label="w1"), Value(w2, label="w2")]
    bias = Value(b, label="b")
    # Named as the steps page (demos/backprop_steps.py) names them: by what they compute.
    x1w1 = _named(inputs[0] * weights[0], "x1*w1")
    x2w2 = _named(inputs[1] * weights[1], "x2*w2")
    weighted = _named(x1w1 + x2w2, "x1*w1 + x2*w2")
    n = _named(weighted + bias, "n")
    o = _named(n.tanh(), "o")
    return [*inputs, *weights, bias, x1w1, x2w2, weighted, n, o]


def _named(value: Value, label: str) -> Value:
    value.label = label
    return value


def _grad_of(node: Value) -> str:
    """`x1.grad`, but `(x1*w1).grad`: the grad of the whole expression."""
    return f"{node.label}.grad" if node.label.isalnum() else f"({node.label}).grad"


def print_forward(values: list[Value]) -> None:
    print("Forward pass: each value from the values it is made of")
    for node in values:
        if not node.inputs:
            print(f"  {node.label:13} = {node.data:8.4f}   (given)")
            continue
        names = [child.label for child in node.inputs]
        numbers = [f"{child.data:.4f}" for child in node.inputs]
        if node.op == "tanh":
            formula, arithmetic = f"tanh({names[0]})", f"tanh({numbers[0]})"
        else:
            formula = (" + " if node.op == "+" else node.op).join(names)
            arithmetic = f" {node.op} ".join(numbers)
        # x1*w1 says what it computes; n and o are followed by what they compute.
        said = "" if formula == node.label else f"{formula} = "
        print(f"  {node.label:13} = {node.data:8.4f}   = {said}{arithmetic}")


def print_backward(values: list[Value]) -> None:
    """Say what backward() did at each op, from the output back to the leaves."""
    output = values[-1]
    print(f"\nBackward pass: {output.label}.grad = 1, then at each op, from the output back,")
    print("input.grad += local_grad * output.grad, the chain rule:\n")
    print(
        f"  {'input.grad':20}    {'local_grad':>10}   {'output.grad':>11}    {'':8}  local_grad is"
    )
    # `values` is in forward order, so backwards each op comes before the ops that made its
    # inputs: its grad is complete when it passes it on, the order backward() uses.
    for node in reversed(values):
        for i, (child, local_grad) in enumerate(zip(node.inputs, node.local_grads)):
            rule = LOCAL_GRAD_RULES[node.op](node, i)
            print(
                f"  {_grad_of(child):20} += {local_grad:10.4f} * {node.grad:11.4f} = "
                f"{local_grad * node.grad:8.4f}  d({node.label})/d({child.label}) = {rule}"
            )


def print_summary(values: list[Value]) -> None:
    print("\nAfter backward(): every value's data and grad, d(o)/d(value)")
    print(f"  {'value':13} {'data':>8} {'grad':>8}")
    for node in values:
        print(f"  {node.label:13} {node.data:8.4f} {node.grad:8.4f}")
    w1, w2 = values[2], values[3]
    print(
        f"A grad says how o moves with a value: nudging w1 up by 0.01 moves o by about "
        f"{w1.grad:.2f} x 0.01.\nw2's grad is {w2.grad:g}: while x2 = 0, w2 does not matter."
    )


def main(argv: list[str] | None = None) -> list[Path]:
    """Print the neuron's forward and backward pass and draw its graph."""
    parser = demo_parser(__doc__, "python demos/neuron.py --out out/ --rankdir LR")
    add_options(parser, "out")
    parser.add_argument(
        "--rankdir", choices=("TB", "LR"), default="TB", help="top to bottom, or left to right"
    )
    args = parser.parse_args(argv)
    out = output_folder(args.out, plots=False)  # Graphviz draws this one, not matplotlib

    values = neuron(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432)
    print("The neuron: o = tanh(x1*w1 + x2*w2 + b)\n")
    print_forward(values)
    values[-1].backward()
    print_backward(values)
    print_summary(values)
    picture = save_graph(
        values[-1], out / "neuron.png", show_local_grads=True, rankdir=args.rankdir
    )
    return [picture] if picture else []


if __name__ == "__main__":
    sys.exit(run_command("neuron.py", main))
