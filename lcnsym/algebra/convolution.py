"""Convolution matrices ``Pi_{(d1,d2),k,s}(w)`` (eq. 1.4) and the network matrix ``W^(N)...W^(1)``.

Matrices are kept sparse, as rows ``{column: entry}``: a convolution matrix
has ``k`` entries per row, and the network matrix is built from the output
side, so that no dense symbolic product is ever formed.
"""

import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import exact_entries, final_filter, validate_filters
from lcnsym.errors import ArchitectureError, FilterError
from lcnsym.numeric import DEFAULT_DPS, to_sympy, working_precision

__all__ = [
    "convolution_rows",
    "convolution_matrix",
    "apply_layer",
    "network_rows",
    "network_matrix",
    "rows_to_matrix",
    "first_row_difference",
    "network_matrix_matches",
]


def _output_width(k, d_in, s):
    if k > d_in or (d_in - k) % s:
        raise ArchitectureError(f"a filter of width k = {k} with stride s = {s} does not fit an input of width {d_in} (eq. 1.5)")
    return (d_in - k) // s + 1


def convolution_rows(w, d_in, s, d_out=None):
    """The rows ``{column: entry}`` of ``Pi_{(d_in,d_out),k,s}(w)``: ``W[j, j*s + n] = w_n`` (0-based).

    Raises
    ------
    ArchitectureError
        If ``(d_in - k)/s + 1`` is not a positive integer, or differs from ``d_out``.

    Examples
    --------
    >>> convolution_rows([1, 2], 5, 3)
    [{0: 1, 1: 2}, {3: 1, 4: 2}]
    """
    w = list(w)
    if not w:
        raise FilterError("a filter needs at least one entry")
    d = _output_width(len(w), d_in, s)
    if d_out is not None and d != d_out:
        raise ArchitectureError(f"(d_in - k)/s + 1 = ({d_in} - {len(w)})/{s} + 1 = {d}, not d_out = {d_out} (eq. 1.5)")
    return [{j * s + n: wn for n, wn in enumerate(w)} for j in range(d)]


def rows_to_matrix(rows, ncols):
    """A sympy ``ImmutableSparseMatrix`` from sparse rows."""
    data = {(r, c): v if isinstance(v, sp.Basic) else to_sympy(v, floats=True) for r, row in enumerate(rows) for c, v in row.items()}
    return sp.ImmutableSparseMatrix(len(rows), ncols, data)


def convolution_matrix(w, d_in, s, d_out=None):
    """The convolution matrix ``Pi_{(d_in,d_out),k,s}(w)`` of eq. (1.4), as a sympy sparse matrix.

    Parameters
    ----------
    w : sequence
        The filter (numbers or sympy expressions).
    d_in : int
        Input width.
    s : int
        Stride.
    d_out : int, optional
        Output width; checked against eq. (1.5) when given.

    Returns
    -------
    sympy.ImmutableSparseMatrix

    Examples
    --------
    >>> w = sp.symbols("w1:5")
    >>> convolution_matrix(w, 8, 2)
    Matrix([
    [w1, w2, w3, w4,  0,  0,  0,  0],
    [ 0,  0, w1, w2, w3, w4,  0,  0],
    [ 0,  0,  0,  0, w1, w2, w3, w4]])

    References
    ----------
    Eq. (1.4).
    """
    return rows_to_matrix(convolution_rows(w, d_in, s, d_out), d_in)


def apply_layer(rows, w, s):
    """``rows`` times the convolution matrix of ``w`` with stride ``s`` (columns ``j*s + n``)."""
    out = []
    taps = list(enumerate(w))
    for row in rows:
        new = {}
        for j, c in row.items():
            base = j * s
            for n, wn in taps:
                col = base + n
                t = c * wn
                new[col] = new[col] + t if col in new else t
        out.append(new)
    return out


def network_rows(arch, filters):
    """Sparse rows of the network matrix ``W^(N) ... W^(1)``, multiplied from the output side.

    The entries are of the filters' type (no conversion): pass exact polynomials
    or numbers.
    """
    rows = convolution_rows(filters[-1], arch.d[-2], arch.s[-1], arch.d[-1])
    for i in range(arch.N - 2, -1, -1):
        rows = apply_layer(rows, filters[i], arch.s[i])
    return rows


def network_matrix(arch, filters, *, dps=DEFAULT_DPS):
    """The network matrix ``Pi_(d,k,s)(w) = W^(N) ... W^(1)`` as a sympy sparse matrix.

    Parameters
    ----------
    arch : Architecture
    filters : sequence of sequences
        Sympy expressions, exact rationals or mpmath numbers.
    dps : int
        Working precision (digits) for mpmath entries; exact entries are exact.

    Returns
    -------
    sympy.ImmutableSparseMatrix
        ``d_N x d_0``, symbolic entries expanded.

    Examples
    --------
    >>> arch = Architecture(4, (2, 2), (2, 1))
    >>> network_matrix(arch, [[1, 2], [3, 4]])
    Matrix([[3, 6, 4, 8]])

    References
    ----------
    Section 1.1; Proposition 1.1.
    """
    if not isinstance(arch, Architecture):
        raise ArchitectureError(f"expected an Architecture, got {type(arch).__name__}")
    filters, back = exact_entries(validate_filters(arch, filters))
    with working_precision(dps):
        rows = network_rows(arch, filters)
    return rows_to_matrix([{c: back(v) for c, v in row.items()} for row in rows], arch.d0)


def _equal(va, vb):
    if isinstance(va, sp.Basic) or isinstance(vb, sp.Basic):
        return sp.expand(va - vb) == 0
    return va == vb  # exact polynomials and numbers compare exactly


def first_row_difference(rows_a, rows_b):
    """The first entry ``(row, column, a, b)`` (0-based) where two sparse matrices differ, or ``None``."""
    if len(rows_a) != len(rows_b):
        return (len(rows_a), None, f"{len(rows_a)} rows", f"{len(rows_b)} rows")
    for r, (a, b) in enumerate(zip(rows_a, rows_b)):
        if a == b:  # the common case, in C: identical entries (structurally equal sympy expressions are equal too)
            continue
        if a.keys() == b.keys() and all(_equal(v, b[c]) for c, v in a.items()):
            continue  # equal after expansion
        for c in sorted(set(a) | set(b)):
            va, vb = a.get(c, 0), b.get(c, 0)
            if not _equal(va, vb):
                return (r, c, va, vb)
    return None


def network_matrix_matches(arch, filters, final=None):
    """Whether ``W^(N)...W^(1)`` equals ``Pi_{(d0,dN),k_v,s_v}(pi(w))`` exactly (Proposition 1.1).

    Parameters
    ----------
    arch : Architecture
    filters : sequence of sequences
        Exact entries (python-flint polynomials, rationals, sympy expressions).
    final : sequence, optional
        The final filter to compare with (default: the recursion (3.11)).

    Returns
    -------
    tuple or None
        ``None`` when equal, else the first differing entry ``(row, column, network, convolution)``.

    Examples
    --------
    >>> arch = Architecture(11, (3, 2), (2, 3))
    >>> network_matrix_matches(arch, [[1, 2, 3], [4, 5]]) is None
    True
    """
    if final is None:
        final = final_filter(arch, filters)
    lhs = network_rows(arch, filters)
    rhs = convolution_rows(final, arch.d0, arch.s_v, None) if len(final) <= arch.d0 else None
    if rhs is None:
        return (0, None, f"{arch.d0} columns", f"a filter of width {len(final)}")
    return first_row_difference(lhs, rhs)
