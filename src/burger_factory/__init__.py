"""The burger factory: two machines, two knobs, and the chain rule that links them.

Machine A turns beef ``x`` into patties ``u = w * x``; machine B turns patties into
burgers ``y = v * u``.  Pages import this package for what is not the lesson itself:
the forward pass and loss, the gradients by the chain rule in plain Python, and a
finite-difference check (this module's names); torch's record of a run read back
(``graph``), and pictures of it (``pictures``, by way of ``svg``).  The lesson's own code
is PyTorch, on the pages.
"""

from burger_factory.chain_rule import Gradients, gradients
from burger_factory.factory import Production, loss, produce
from burger_factory.finite_difference import slope

__all__ = ["Gradients", "Production", "gradients", "loss", "produce", "slope"]
