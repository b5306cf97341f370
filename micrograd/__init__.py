"""micrograd: a scalar autograd engine and a small neural-network library, built to be read."""

from .engine import Value, is_recording, no_grad
from .gradcheck import GradcheckError, gradcheck, numerical_grads

__version__ = "0.2.0.dev0"

__all__ = [
    "GradcheckError",
    "Value",
    "__version__",
    "gradcheck",
    "is_recording",
    "no_grad",
    "numerical_grads",
]
