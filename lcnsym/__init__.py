"""lcnsym: machine checks of the mathematics of linear convolutional networks.

Diederen, Rauhut, Terstiege (2026), "Convergence of gradient flow for learning
convolutional neural networks": every numbered result is a check in
``lcnsym.proofs``; the objects of the paper are here, one layer per folder:

``lcnsym.numeric``, ``lcnsym.errors``, ``lcnsym.parsing``
    the ground: numbers and precision, the error hierarchy, reading users' text;
``lcnsym.algebra``
    architectures (eq. 1.5), coefficient lists, the polynomials ``p~_i``, the
    final filter (Prop. 1.1, 2.1), convolution matrices;
``lcnsym.analysis``
    certified roots and Section 2.2 (Lemmas 2.2 to 2.4);
``lcnsym.dynamics``
    losses, the risk, the bounds of Section 3, the gradient flow and its engines;
``lcnsym.checking``
    the machinery of the checks: evidence, registry, runner, reports.

The names most used are importable from ``lcnsym`` itself (loaded on first
use, so ``import lcnsym`` stays light).

Examples
--------
>>> from lcnsym import Architecture, final_filter
>>> final_filter(Architecture(3, (2, 2), (1, 1)), [[1, 2], [3, 4]])
[3, 10, 8]
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "Architecture": "lcnsym.algebra.architecture",
    "final_filter_width": "lcnsym.algebra.architecture",
    "final_stride": "lcnsym.algebra.architecture",
    "stride_products": "lcnsym.algebra.architecture",
    "final_filter": "lcnsym.algebra.filters",
    "symbolic_final_filter": "lcnsym.algebra.filters",
    "filter_symbols": "lcnsym.algebra.filters",
    "stride_polynomial": "lcnsym.algebra.polynomials",
    "stride_polynomials": "lcnsym.algebra.polynomials",
    "certified_roots": "lcnsym.analysis.roots",
    "linear_factorization": "lcnsym.analysis.factorization",
    "root_bound": "lcnsym.analysis.factorization",
    "parse_loss": "lcnsym.dynamics.losses",
    "validate_data": "lcnsym.dynamics.data",
    "empirical_risk": "lcnsym.dynamics.risk",
    "risk_gradient": "lcnsym.dynamics.risk",
    "gradient_flow": "lcnsym.dynamics.flow",
    "Trajectory": "lcnsym.dynamics.flow",
    "CheckConfig": "lcnsym.checking.evidence",
    "Evidence": "lcnsym.checking.evidence",
    "discover": "lcnsym.checking.registry",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lcnsym' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
