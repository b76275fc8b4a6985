"""The bottom layer: pure functions on coefficient lists.

A filter ``w = (w_1, ..., w_k)`` is the coefficient list (ascending powers) of
``p_{k-1}(w) = sum_i w_{i+1} x^i``.  The functions here work for any entries
that add and multiply: python-flint polynomials, sympy expressions, exact
rationals (``int``, ``fractions.Fraction``, ``sympy.Rational``), mpmath
numbers.  :func:`convolve` skips the entries that are zero by their form
(``== 0`` is structural for symbolic entries, so this never drops a term that
is not zero); a zero of the right type is made as ``entry * 0``.
"""

from lcnsym.algebra.architecture import stride_products
from lcnsym.errors import FilterError

__all__ = [
    "convolve",
    "stride_substitute",
    "compose_filters",
    "final_filter_recursive",
    "final_filter_partials",
    "filter_gradients",
    "final_filter_by_product",
    "sparse_product",
]


def _zero_like(x):
    return x * 0


def convolve(a, b):
    """Coefficients of the product of two polynomials given by coefficient lists.

    Examples
    --------
    >>> convolve([1, 2], [3, 0, 1])
    [3, 6, 1, 2]
    """
    if not a or not b:
        raise FilterError("cannot multiply an empty coefficient list")
    out = [None] * (len(a) + len(b) - 1)
    nonzero_b = [(j, bj) for j, bj in enumerate(b) if not bj == 0]  # the zeros of stride substitution cost nothing
    for i, ai in enumerate(a):
        if ai == 0:
            continue
        for j, bj in nonzero_b:
            t = ai * bj
            out[i + j] = t if out[i + j] is None else out[i + j] + t
    zero = _zero_like(a[0] * b[0])
    return [zero if x is None else x for x in out]


def stride_substitute(w, step):
    """Coefficients of ``p~(x) = sum_j w_{j+1} x^(j*step)`` (eq. 2.1 with ``step = prod_{n<i} s_n``).

    Examples
    --------
    >>> stride_substitute([1, 2, 3], 2)
    [1, 0, 2, 0, 3]
    """
    if not w:
        raise FilterError("a filter needs at least one entry")
    zero = _zero_like(w[0])
    out = [zero] * ((len(w) - 1) * step + 1)
    for j, wj in enumerate(w):
        out[j * step] = wj
    return out


def sparse_product(a, b):
    """Product of two sparse polynomials ``{exponent: coefficient}``.

    Examples
    --------
    >>> sorted(sparse_product({0: 1, 2: 1}, {0: 1, 1: -1}).items())
    [(0, 1), (1, -1), (2, 1), (3, -1)]
    """
    out = {}
    for i, ai in a.items():
        for j, bj in b.items():
            t = ai * bj
            out[i + j] = out[i + j] + t if i + j in out else t
    return out


def compose_filters(v_tilde, w_last, s_tilde):
    """One step of the recursion (3.11): the filter of ``alpha_N o alpha~``.

    ``v_m = sum_{(n-1) s~ + l = m} w^(N)_n v~_l`` where ``v~`` is the final
    filter of the first layers and ``s~`` the product of their strides.

    Examples
    --------
    >>> compose_filters([1, 1], [1, 2], 2)
    [1, 1, 2, 2]
    """
    if not v_tilde or not w_last:
        raise FilterError("cannot compose empty filters")
    kv = (len(w_last) - 1) * s_tilde + len(v_tilde)
    out = [None] * kv
    for n, wn in enumerate(w_last):
        off = n * s_tilde
        for l, vl in enumerate(v_tilde):
            t = wn * vl
            out[off + l] = t if out[off + l] is None else out[off + l] + t
    if any(x is None for x in out):  # gaps when k~ < s~ (e.g. k_1 = 1, s_1 = 2)
        zero = _zero_like(out[0])
        out = [zero if x is None else x for x in out]
    return out


def final_filter_recursive(filters, strides):
    """The final filter ``pi(w)`` by the recursion (3.11) of Proposition 1.1.

    Parameters
    ----------
    filters : sequence of sequences
        ``w^(1), ..., w^(N)``, entries of any ring type.
    strides : sequence of int
        ``s_1, ..., s_N``.

    Returns
    -------
    list
        The ``k_v`` entries of the final filter.

    Examples
    --------
    >>> final_filter_recursive([[1, 1], [1, 2]], [2, 1])
    [1, 1, 2, 2]
    """
    if len(filters) != len(strides) or not filters:
        raise FilterError(f"got {len(filters)} filters for {len(strides)} strides")
    v = list(filters[0])
    s_tilde = 1
    for i in range(1, len(filters)):
        s_tilde *= strides[i - 1]
        v = compose_filters(v, list(filters[i]), s_tilde)
    return v


def final_filter_partials(filters, strides):
    """The filters ``v~^(1), ..., v~^(N)`` of the first ``1, ..., N`` layers by the recursion (3.11); the last is
    ``pi(w)``.  What :func:`filter_gradients` propagates back through.

    Examples
    --------
    >>> final_filter_partials([[1, 1], [1, 2], [3]], [2, 1, 1])
    [[1, 1], [1, 1, 2, 2], [3, 3, 6, 6]]
    """
    if len(filters) != len(strides) or not filters:
        raise FilterError(f"got {len(filters)} filters for {len(strides)} strides")
    partials, s_tilde = [list(filters[0])], 1
    for i in range(1, len(filters)):
        s_tilde *= strides[i - 1]
        partials.append(compose_filters(partials[-1], list(filters[i]), s_tilde))
    return partials


def _sum_of_products(pairs):
    out = None
    for a, b in pairs:
        t = a * b
        out = t if out is None else out + t
    return out


def filter_gradients(filters, strides, g, partials=None):
    """``dF/dw^(1), ..., dF/dw^(N)`` of a function ``F`` of the final filter, from ``g = dF/dv``, by the chain rule
    back through the recursion (3.11) (backpropagation).

    With ``g^(N) = g`` and ``s~ = s_1 ... s_(i-1)``: ``dF/dw^(i)_n = sum_l g^(i)_(n s~ + l) v~^(i-1)_l`` and
    ``g^(i-1)_l = sum_n g^(i)_(n s~ + l) w^(i)_n``; ``dF/dw^(1) = g^(1)``.  For ``N >= 3`` this takes fewer products
    than contracting ``g`` with each layer's ``prod_(k != i) p~_k``
    (:func:`lcnsym.dynamics.risk.layer_factor_products`), which recomputes the shared partial products.

    Parameters
    ----------
    filters, strides : sequences
        ``w^(1), ..., w^(N)`` and ``s_1, ..., s_N``.
    g : sequence
        ``dF/dv``, ``k_v`` entries.
    partials : list, optional
        :func:`final_filter_partials` of the filters, if already computed.

    Examples
    --------
    ``F(v) = v_0 + v_3`` for ``v = pi(w)`` of ``w^(1) = (a, b)``, ``w^(2) = (c, d)``, strides ``(2, 1)``
    (``v = (ac, bc, ad, bd)``):

    >>> filter_gradients([[1, 2], [3, 4]], [2, 1], [1, 0, 0, 1])
    [[3, 4], [1, 2]]
    """
    partials = partials or final_filter_partials(filters, strides)
    if len(g) != len(partials[-1]):
        raise FilterError(f"dF/dv has {len(g)} entries for a final filter of {len(partials[-1])}")
    s_tilde = stride_products(strides)
    grads = [None] * len(filters)
    for i in range(len(filters) - 1, 0, -1):
        st, prev, w = s_tilde[i], partials[i - 1], list(filters[i])
        grads[i] = [_sum_of_products((g[n * st + l], prev[l]) for l in range(len(prev))) for n in range(len(w))]
        g = [_sum_of_products((g[n * st + l], w[n]) for n in range(len(w))) for l in range(len(prev))]
    grads[0] = list(g)
    return grads


def final_filter_by_product(filters, strides):
    """The final filter as the coefficients of ``prod_i p~_{k_i,s}(w^(i))`` (eq. 2.1, Proposition 2.1).

    Examples
    --------
    >>> final_filter_by_product([[1, 1], [1, 2]], [2, 1])
    [1, 1, 2, 2]
    """
    if len(filters) != len(strides) or not filters:
        raise FilterError(f"got {len(filters)} filters for {len(strides)} strides")
    prod_poly = None
    for w, step in zip(filters, stride_products(strides)):
        p = {j * step: wj for j, wj in enumerate(w)}
        prod_poly = p if prod_poly is None else sparse_product(prod_poly, p)
    deg = max(prod_poly)
    zero = _zero_like(prod_poly[0])
    return [prod_poly.get(i, zero) for i in range(deg + 1)]
