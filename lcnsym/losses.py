"""The losses of Section 3 (Theorems 1.2 and 3.8), on sympy expressions and mpmath numbers.

Each loss is a sum over the coordinates of the residual ``r = z - y`` and
carries what the proof of Theorem 3.8 needs: the constant ``c`` of (3.9),
``||r||_1 <= loss(r) + c``, and the function ``h`` of (3.8),
``||W X - Y||_1 <= h(L)``.
"""

from dataclasses import dataclass
import numbers

import mpmath
import sympy as sp

from lcnsym.errors import LossParameterError, ParseError
from lcnsym.parsing import parse_rational

__all__ = ["Loss", "square", "lp", "pseudo_huber", "generalized_huber", "log_cosh", "parse_loss", "LOSS_NAMES"]

LOSS_NAMES = ("square", "lp", "pseudo-huber", "gen-huber", "log-cosh")


def _is_symbolic(r):
    return isinstance(r, sp.Basic)


def _fn(r, sym, num):
    return sym(r) if _is_symbolic(r) else num(r)


@dataclass(frozen=True)
class Loss:
    """A loss ``loss(z, y) = sum_i phi(z_i - y_i)`` with its constants for (3.8) and (3.9).

    Use the constructors :func:`square`, :func:`lp`, :func:`pseudo_huber`,
    :func:`generalized_huber`, :func:`log_cosh` (they validate the parameters).
    """

    name: str
    params: tuple
    phi: object  # phi(r) for one coordinate (sympy or mpmath)
    dphi: object  # its derivative

    def __call__(self, z, y):
        """``loss(z, y)`` for vectors ``z`` (prediction) and ``y`` (label)."""
        return sum((self.phi(zi - yi) for zi, yi in zip(z, y)), 0 * (z[0] - y[0]))

    def residual_loss(self, r):
        """``sum_i phi(r_i)``."""
        return sum((self.phi(ri) for ri in r), 0 * r[0])

    def c(self, dN):
        """The constant of (3.9): ``||r||_1 <= loss(r) + c`` for ``r`` in ``R^{dN}`` (``None`` where (3.9) is not used)."""
        if self.name == "pseudo-huber":
            return mpmath.mpf(0)
        if self.name == "gen-huber":
            alpha, beta = map(mpmath.mpmathify, self.params)
            return mpmath.mpf(0) if beta >= 0 else dN / alpha * mpmath.log(2 / (2 + beta))
        if self.name == "log-cosh":
            return dN * mpmath.log(2) / mpmath.mpmathify(self.params[0])
        return None

    def h(self, L, dN, m):
        """``h`` of (3.8): ``||W X - Y||_1 <= h(L)`` (entrywise 1-norm, ``m`` samples).

        ``l_p``: ``dN m p^(1/p) L^(1/p)``; square loss (``2 x`` the ``l_2`` loss): ``dN m sqrt(L)``;
        the others (Corollary 3.7): ``L + c m``.
        """
        L = mpmath.mpmathify(L)
        if self.name == "lp":
            p = self.params[0]
            return dN * m * mpmath.mpf(p) ** (mpmath.mpf(1) / p) * L ** (mpmath.mpf(1) / p)
        if self.name == "square":
            return dN * m * mpmath.sqrt(L)
        return L + self.c(dN) * m

    def label(self):
        return self.name if not self.params else f"{self.name}:{','.join(str(p) for p in self.params)}"


def square():
    """``||y - z||_2^2`` (eq. 1.8).

    Examples
    --------
    >>> square()([1, 2], [0, 0])
    5
    """
    return Loss("square", (), lambda r: r * r, lambda r: 2 * r)


def lp(p):
    """``(1/p) ||z - y||_p^p`` for even ``p``.

    Raises
    ------
    LossParameterError
        If ``p`` is not an even whole number >= 2.

    Examples
    --------
    >>> lp(4)([sp.Integer(2)], [0])
    4
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 2 or p % 2:
        raise LossParameterError(f"the l_p loss needs an even p >= 2, got p = {p}")
    p = int(p)
    return Loss("lp", (p,), lambda r: r**p / p, lambda r: r ** (p - 1))


def _positive(value, what):
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, mpmath.mpf, sp.Rational)) or not value > 0:
        raise LossParameterError(f"{what} must be a positive number, got {value}")
    return value


def pseudo_huber(delta):
    """``delta sum sqrt(1 + r_i^2 / delta^2)``, ``delta > 0``.

    Examples
    --------
    >>> float(pseudo_huber(1)([mpmath.mpf(3)], [mpmath.mpf(-1)]))  # sqrt(17)
    4.123105625617661
    """
    d = _positive(delta, "pseudo-Huber delta")
    return Loss("pseudo-huber", (delta,),
                lambda r: d * _fn(1 + r * r / (d * d), sp.sqrt, mpmath.sqrt),
                lambda r: r / (d * _fn(1 + r * r / (d * d), sp.sqrt, mpmath.sqrt)))


def generalized_huber(alpha, beta):
    """``(1/alpha) sum log(e^(alpha r_i) + e^(-alpha r_i) + beta)``, ``alpha > 0``, ``beta > -2``.

    Examples
    --------
    >>> float(generalized_huber(1, 0)([mpmath.mpf(0)], [mpmath.mpf(0)]))  # log 2
    0.6931471805599453
    """
    a = _positive(alpha, "generalized Huber alpha")
    if isinstance(beta, bool) or not isinstance(beta, (numbers.Real, mpmath.mpf, sp.Rational)) or not beta > -2:
        raise LossParameterError(f"generalized Huber beta must be greater than -2, got {beta}")
    b = beta

    def phi(r):
        return _fn(a * r, lambda t: sp.log(sp.exp(t) + sp.exp(-t) + b), lambda t: mpmath.log(mpmath.exp(t) + mpmath.exp(-t) + b)) / a

    def dphi(r):
        e = _fn(a * r, lambda t: (sp.exp(t), sp.exp(-t)), lambda t: (mpmath.exp(t), mpmath.exp(-t)))
        return (e[0] - e[1]) / (e[0] + e[1] + b)

    return Loss("gen-huber", (alpha, beta), phi, dphi)


def log_cosh(alpha):
    """``(1/alpha) sum log cosh(alpha r_i)``, ``alpha > 0``.

    Examples
    --------
    >>> log_cosh(2)([sp.Integer(0)], [0])
    0
    """
    a = _positive(alpha, "log-cosh alpha")
    return Loss("log-cosh", (alpha,),
                lambda r: _fn(a * r, lambda t: sp.log(sp.cosh(t)), lambda t: mpmath.log(mpmath.cosh(t))) / a,
                lambda r: _fn(a * r, sp.tanh, mpmath.tanh))


def parse_loss(text):
    """Read ``square``, ``lp:4``, ``pseudo-huber:1``, ``gen-huber:1,0.5`` or ``log-cosh:1`` (parameters exact).

    Examples
    --------
    >>> parse_loss("gen-huber:1,-1/2").params
    (1, -1/2)
    >>> parse_loss("lp:3")
    Traceback (most recent call last):
    ...
    lcnsym.errors.LossParameterError: the l_p loss needs an even p >= 2, got p = 3
    """
    name, _, args = str(text).strip().partition(":")
    params = [parse_rational(a) for a in args.split(",")] if args else []
    makers = {"square": (square, 0), "lp": (lp, 1), "pseudo-huber": (pseudo_huber, 1), "gen-huber": (generalized_huber, 2), "log-cosh": (log_cosh, 1)}
    if name not in makers:
        raise ParseError(f"unknown loss {name!r}; expected one of {', '.join(LOSS_NAMES)}")
    make, arity = makers[name]
    if len(params) != arity:
        raise ParseError(f"the {name} loss takes {arity} parameter(s), got {len(params)} in {text!r}")
    if name == "lp":
        if params[0].q != 1:
            raise LossParameterError(f"the l_p loss needs an even p >= 2, got p = {params[0]}")
        params = [int(params[0])]
    return make(*params)
