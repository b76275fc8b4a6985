"""The empirical risk ``L(w) = sum_j loss(Pi(w) x_j, y_j)`` and its gradient (Section 1.2, 3).

``L`` depends on ``w`` only through the final filter ``v = pi(w)``, and
``dv/dw^(i)`` is a convolution with the product of the other layers'
polynomials ``p~_k`` (Prop. 2.1), so the gradient is computed through ``v``,
never by differentiating an expanded expression.
"""

from dataclasses import dataclass
from fractions import Fraction
import numbers

import flint
import mpmath

from lcnsym.architecture import Architecture
from lcnsym.coefficients import convolve, final_filter_recursive
from lcnsym.errors import DataError
from lcnsym.polynomials import stride_polynomial_coefficients

__all__ = ["Data", "validate_data", "gram_rank", "predictions", "empirical_risk", "risk_gradient", "layer_factor_products"]


def _exact(value, where):
    if isinstance(value, bool) or isinstance(value, str):
        raise DataError(f"{where} = {value!r} is not a number")
    if isinstance(value, numbers.Rational):
        return Fraction(value.numerator, value.denominator)
    if isinstance(value, (float, mpmath.mpf)):
        if not mpmath.isfinite(value):
            raise DataError(f"{where} is {value}, not a finite number")
        from lcnsym.roots import mpf_to_fraction

        return mpf_to_fraction(mpmath.mpf(value))
    if hasattr(value, "p") and hasattr(value, "q"):  # sympy Rational
        return Fraction(int(value.p), int(value.q))
    raise DataError(f"{where} = {value!r} is not a real number")


def _matrix(rows, rows_expected, name, what):
    if isinstance(rows, str) or not hasattr(rows, "__len__"):
        raise DataError(f"{name} must be a list of rows, got {type(rows).__name__}")
    rows = [list(r) if not isinstance(r, str) else r for r in rows]
    if len(rows) != rows_expected:
        raise DataError(f"{name} has {len(rows)} rows but the architecture needs {rows_expected} ({what})")
    if any(isinstance(r, str) for r in rows):
        raise DataError(f"{name} has a row that is not a list of numbers")
    return rows


@dataclass(frozen=True)
class Data:
    """Training data read exactly: ``X`` (``d0 x m``) and ``Y`` (``dN x m``) as Fractions, row by row."""

    X: tuple
    Y: tuple

    @property
    def m(self):
        return len(self.X[0])

    def column(self, j, mp=False):
        """Sample ``j``: ``(x_j, y_j)``; as mpmath numbers when ``mp``."""
        conv = (lambda q: mpmath.mpf(q.numerator) / q.denominator) if mp else (lambda q: q)
        return [conv(r[j]) for r in self.X], [conv(r[j]) for r in self.Y]


def validate_data(arch, X, Y):
    """Read ``X`` and ``Y`` exactly and check their shapes against ``arch``.

    Raises
    ------
    DataError
        Wrong numbers of rows (``X`` needs ``d0``, ``Y`` needs ``dN``), rows of
        different lengths, no samples, or an entry that is not a finite number.

    Examples
    --------
    >>> d = validate_data(Architecture(3, (2,), (1,)), [[1, 0], [0, 1], [1, 1]], [[1, 2], [0.5, 1]])
    >>> d.m, d.Y[1][0]
    (2, Fraction(1, 2))
    """
    X = _matrix(X, arch.d0, "X", f"d0 = {arch.d0} input coordinates")
    Y = _matrix(Y, arch.dN, "Y", f"dN = {arch.dN} output coordinates")
    m = len(X[0])
    if m == 0:
        raise DataError("X has no samples (its rows are empty)")
    for name, rows in (("X", X), ("Y", Y)):
        for i, r in enumerate(rows, 1):
            if len(r) != m:
                raise DataError(f"row {i} of {name} has {len(r)} entries but row 1 of X has m = {m}")
    exact = lambda rows, name: tuple(tuple(_exact(v, f"{name}[{i},{j}]") for j, v in enumerate(r, 1)) for i, r in enumerate(rows, 1))
    return Data(exact(X, "X"), exact(Y, "Y"))


def gram_rank(data):
    """The rank of ``X X^T``, exactly (every entry is read as an exact rational).

    Examples
    --------
    >>> gram_rank(Data(((1, 2), (2, 4)), ((0, 0),)))
    1
    """
    X = flint.fmpq_mat([[flint.fmpq(q.numerator, q.denominator) for q in map(Fraction, r)] for r in data.X])
    return (X * X.transpose()).rank()


def _mp(q):
    return mpmath.mpf(q.numerator) / q.denominator if isinstance(q, Fraction) else q


def predictions(arch, v, data, mp=True):
    """``Pi(w) x_j`` for every sample, from the final filter ``v`` (Prop. 1.1): ``z_j[r] = sum_m v_m x_j[r s_v + m]``."""
    out = []
    for j in range(data.m):
        x, _ = data.column(j, mp)
        out.append([sum((v[m] * x[r * arch.s_v + m] for m in range(len(v))), 0 * v[0]) for r in range(arch.dN)])
    return out


def empirical_risk(arch, filters, data, loss, mp=True):
    """``L(w) = sum_j loss(Pi(w) x_j, y_j)`` (Section 1.2); mpmath numbers, or exact/symbolic entries with ``mp=False``."""
    v = final_filter_recursive([list(w) for w in filters], arch.s)
    zs = predictions(arch, v, data, mp)
    return sum(loss(z, data.column(j, mp)[1]) for j, z in enumerate(zs))


def layer_factor_products(arch, filters):
    """For each layer ``i``, the coefficients of ``prod_{k != i} p~_k`` (``dv/dw^(i)`` is a convolution with it)."""
    polys = [stride_polynomial_coefficients(list(w), i, arch.s) for i, w in enumerate(filters, 1)]
    out = []
    for i in range(arch.N):
        others = [p for k, p in enumerate(polys) if k != i]
        prod = others[0] if others else [polys[i][0] * 0 + 1]
        for p in others[1:]:
            prod = convolve(prod, p)
        out.append(prod)
    return out


def risk_gradient(arch, filters, data, loss):
    """``grad L(w)``, one list per layer, through the final filter (mpmath at the current precision).

    ``dL/dv_m = sum_j sum_r loss'(z_j - y_j)_r x_j[r s_v + m]`` and
    ``dL/dw^(i)_j = sum_m dL/dv_m [prod_{k != i} p~_k]_{m - (j-1) prod_{n<i} s_n}``.
    """
    v = final_filter_recursive([list(w) for w in filters], arch.s)
    zs = predictions(arch, v, data, True)
    G = [mpmath.mpf(0)] * len(v)
    for j, z in enumerate(zs):
        x, y = data.column(j, True)
        for r in range(arch.dN):
            d = loss.dphi(z[r] - y[r])
            base = r * arch.s_v
            for m in range(len(v)):
                G[m] += d * x[base + m]
    grads = []
    for i, (w, Q, step) in enumerate(zip(filters, layer_factor_products(arch, filters), arch.stride_products)):
        grads.append([mpmath.fsum(G[j * step + l] * Q[l] for l in range(len(Q))) for j in range(len(w))])
    return grads
