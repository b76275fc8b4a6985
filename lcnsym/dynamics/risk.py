"""The empirical risk ``L(w) = sum_j loss(Pi(w) x_j, y_j)`` and its gradient (Section 1.2, 3).

``L`` depends on ``w`` only through the final filter ``v = pi(w)``, and
``dv/dw^(i)`` is a convolution with the product of the other layers'
polynomials ``p~_k`` (Prop. 2.1), so the gradient is computed through ``v``,
never by differentiating an expanded expression.

The public functions take ``dps``: mpmath at that precision, whatever the
caller's; ``dps=None`` computes exactly (exact or symbolic filters).  The
functions with a leading underscore work in the caller's arithmetic
namespace ``F`` and are what the engines call.
"""

from fractions import Fraction

import flint

from lcnsym.algebra.coefficients import convolve, final_filter_recursive
from lcnsym.algebra.polynomials import stride_polynomial_coefficients
from lcnsym.errors import InputError
from lcnsym.numeric import ARB, DEFAULT_DPS, EXACT, MPMATH, SYMPY, ops_for, to_fmpq, to_rational, working_precision

__all__ = ["predictions", "empirical_risk", "empirical_risk_ball", "risk_gradient", "layer_factor_products", "dloss_dv",
           "normal_equations"]


def _values(data, F):
    """The data as ``F``'s numbers: ``(X, Y)`` rows."""
    return [[F.const(q) for q in r] for r in data.X], [[F.const(q) for q in r] for r in data.Y]


def _predictions(arch, v, X, m):
    zero = v[0] * 0
    return [[sum((v[k] * X[r * arch.s_v + k][j] for k in range(len(v))), zero) for r in range(arch.dN)] for j in range(m)]


def _risk(arch, filters, data, loss, F):
    X, Y = _values(data, F)
    v = final_filter_recursive([list(w) for w in filters], arch.s)
    zs = _predictions(arch, v, X, data.m)
    return sum((loss.phi(z[r] - Y[r][j], F) for j, z in enumerate(zs) for r in range(arch.dN)), F.const(0))


def _dloss_dv(arch, v, data, loss, F):
    """``dL/dv_k = sum_{j,r} loss'(z_jr - y_jr) x_j[r s_v + k]``."""
    X, Y = _values(data, F)
    zs = _predictions(arch, v, X, data.m)
    G = [F.const(0)] * len(v)
    for j, z in enumerate(zs):
        for r in range(arch.dN):
            d = loss.dphi(z[r] - Y[r][j], F)
            base = r * arch.s_v
            for k in range(len(v)):
                G[k] += d * X[base + k][j]
    return G


def _gradient(arch, filters, data, loss, F):
    filters = [list(w) for w in filters]
    v = final_filter_recursive(filters, arch.s)
    G = _dloss_dv(arch, v, data, loss, F)
    return [[sum((G[j * step + l] * Q[l] for l in range(len(Q))), F.const(0)) for j in range(len(w))]
            for w, Q, step in zip(filters, layer_factor_products(arch, filters), arch.stride_products)]


def _exact_namespace(filters):
    """SYMPY for symbolic entries, EXACT for rationals; mpmath entries need a ``dps``."""
    kinds = {ops_for(c) for w in filters for c in w}
    if MPMATH in kinds:
        raise InputError("filters with mpmath entries need a working precision: pass dps=")
    return SYMPY if SYMPY in kinds else EXACT


def _read(filters, F):
    return [[F.const(c) if F is MPMATH else c for c in w] for w in filters]


def _evaluate(fn, arch, filters, data, loss, dps):
    """``fn`` exactly or symbolically (``dps=None``), else in mpmath at ``dps`` digits."""
    if dps is None:
        F = _exact_namespace(filters)
        return fn(arch, _read(filters, F), data, loss, F)
    with working_precision(dps):
        return fn(arch, _read(filters, MPMATH), data, loss, MPMATH)


def predictions(arch, v, data, *, dps=None):
    """``Pi(w) x_j`` for every sample, from the final filter ``v`` (Prop. 1.1): ``z_j[r] = sum_k v_k x_j[r s_v + k]``.

    Exact (``dps=None``, for exact or symbolic ``v``) or mpmath at ``dps`` digits.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import Data
    >>> predictions(Architecture(3, (2,), (1,)), [1, 2], Data(((1,), (2,), (3,)), ((0,), (0,))))
    [[5, 8]]
    """
    if dps is None:
        X = [list(r) for r in data.X]
        return _predictions(arch, list(v), X, data.m)
    with working_precision(dps):
        X, _ = _values(data, MPMATH)
        return _predictions(arch, [MPMATH.const(c) for c in v], X, data.m)


def empirical_risk(arch, filters, data, loss, *, dps=DEFAULT_DPS):
    """``L(w) = sum_j loss(Pi(w) x_j, y_j)`` (Section 1.2): mpmath at ``dps`` digits, or exact/symbolic with ``dps=None``.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import Data
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> arch, data = Architecture(1, (1, 1), (1, 1)), Data(((1, 2),), ((2, 4),))
    >>> empirical_risk(arch, [[1], [1]], data, parse_loss("square"), dps=None)
    Fraction(5, 1)
    """
    return _evaluate(_risk, arch, filters, data, loss, dps)


def empirical_risk_ball(arch, filters, data, loss, *, dps=DEFAULT_DPS):
    """``L(w)`` as a python-flint ball at ``dps`` digits that contains the exact value (filters read exactly).

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import Data
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> L = empirical_risk_ball(Architecture(1, (1,), (1,)), [[0]], Data(((1,),), ((0,),)), parse_loss("log-cosh:1"))
    >>> L.is_exact(), L == 0
    (True, True)
    """
    exact = [[to_rational(c, "filter entry", floats=True) for c in w] for w in filters]
    with working_precision(dps):
        return _risk(arch, [[ARB.const(c) for c in w] for w in exact], data, loss, ARB)


def dloss_dv(arch, v, data, loss, *, dps=DEFAULT_DPS):
    """``dL/dv``, the gradient of the risk in function space (the final filter), mpmath at ``dps`` digits."""
    with working_precision(dps):
        return _dloss_dv(arch, [MPMATH.const(c) for c in v], data, loss, MPMATH)


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


def risk_gradient(arch, filters, data, loss, *, dps=DEFAULT_DPS):
    """``grad L(w)``, one list per layer, through the final filter: mpmath at ``dps`` digits (exact/symbolic with ``dps=None``).

    ``dL/dv_k = sum_j sum_r loss'(z_j - y_j)_r x_j[r s_v + k]`` and
    ``dL/dw^(i)_j = sum_k dL/dv_k [prod_{k != i} p~_k]_{k - (j-1) prod_{n<i} s_n}``.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import Data
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> arch, data = Architecture(1, (1, 1), (1, 1)), Data(((1, 2),), ((2, 4),))
    >>> risk_gradient(arch, [[1], [1]], data, parse_loss("square"), dps=None)
    [[Fraction(-10, 1)], [Fraction(-10, 1)]]
    """
    return _evaluate(_gradient, arch, filters, data, loss, dps)


def normal_equations(arch, data):
    """``A``, ``b``, ``c`` with ``||Pi(w) X - Y||^2 = v^T A v - 2 b^T v + c`` for ``v = pi(w)`` (exact rationals):
    ``A = sum phi phi^T``, ``b = sum y phi``, ``c = sum y^2`` over the data windows ``phi = x_j[r s_v : r s_v + k_v]``.

    The sums are one product of python-flint rational matrices (the windows' ``(m d_N) x k_v`` matrix by its
    transpose), not a Python loop over the samples.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import validate_data
    >>> arch = Architecture(2, (2,), (1,))
    >>> A, b, c = normal_equations(arch, validate_data(arch, [[1, 0], [0, 1]], [[1, 2]]))
    >>> [[str(a) for a in row] for row in A], [str(x) for x in b], str(c)
    ([['1', '0'], ['0', '1']], ['1', '2'], '5')
    """
    kv, sv = arch.k_v, arch.s_v
    X = [[to_fmpq(q) for q in row] for row in data.X]  # each entry once: the windows overlap
    Y = [[to_fmpq(q) for q in row] for row in data.Y]
    windows = [X[r * sv + k][j] for j in range(data.m) for r in range(arch.dN) for k in range(kv)]
    W = flint.fmpq_mat(data.m * arch.dN, kv, windows)
    y = flint.fmpq_mat(data.m * arch.dN, 1, [Y[r][j] for j in range(data.m) for r in range(arch.dN)])
    Wt = W.transpose()
    A, b, c = Wt * W, Wt * y, (y.transpose() * y)[0, 0]
    exact = lambda q: Fraction(int(q.p), int(q.q))
    return [[exact(A[i, q]) for q in range(kv)] for i in range(kv)], [exact(b[i, 0]) for i in range(kv)], exact(c)
