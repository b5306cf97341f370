"""`micrograd.steps`, kept as an import path: the step-by-step page lives in micrograd.viz.steps."""

from .viz.steps import Edge, Step, backprop_steps, backward_steps

__all__ = ["Edge", "Step", "backprop_steps", "backward_steps"]
