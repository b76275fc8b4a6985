"""The final-filter map ``pi_(d,k,s)`` (Proposition 1.1, eq. 3.11) and the filter symbols.

Two routes compute the final filter: the recursion (3.11) over the layers
and the product of the stride-substituted polynomials ``p~_i`` (eq. 2.1).
Both are generic over the entries: sympy expressions, exact rationals and
mpmath numbers.  Symbolic work is done on exact sparse polynomials
(python-flint's ``fmpz_mpoly``, sympy's rings for general expressions) and
turned into sympy expressions only when asked.
"""

from functools import lru_cache
import numbers

import flint
import mpmath
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.coefficients import final_filter_by_product, final_filter_recursive
from lcnsym.errors import FilterError, NumberError, WorkLimitError
from lcnsym.numeric import DEFAULT_DPS, abbreviate, to_fmpq, to_rational, to_sympy, working_precision

__all__ = [
    "filter_symbol_names",
    "filter_symbols",
    "FilterEntry",
    "validate_filters",
    "exact_entries",
    "final_filter",
    "SymbolicFilter",
    "symbolic_final_filter",
    "symbolic_filters",
    "polys_to_sympy",
    "symbolic_terms",
    "MAX_SYMBOLIC_TERMS",
    "MAX_SYMBOLS",
    "MAX_FILTER_WIDTH",
]

METHODS = ("recursion", "product")

MAX_SYMBOLIC_TERMS = 1_000_000
"""The most monomials the symbolic final filter may have (refused before any work, :func:`symbolic_terms`)."""

MAX_SYMBOLS = 2_000
"""The most filter entries (``kbar``, the symbols of the symbolic final filter)."""

MAX_FILTER_WIDTH = 1_000_000
"""The widest final filter (``k_v``) the command line computes unless told otherwise."""


def _shape(arch):
    if isinstance(arch, Architecture):
        return arch.k, arch.s
    raise FilterError(f"expected an Architecture, got {type(arch).__name__}")


def filter_symbol_names(arch):
    """Names ``w{i}_{j}`` (layer ``i``, entry ``j``, 1-based) of the filter entries.

    Examples
    --------
    >>> filter_symbol_names(Architecture(5, (2, 3), (1, 1)))
    (('w1_1', 'w1_2'), ('w2_1', 'w2_2', 'w2_3'))
    """
    k, _ = _shape(arch)
    return tuple(tuple(f"w{i}_{j}" for j in range(1, ki + 1)) for i, ki in enumerate(k, 1))


class FilterEntry(sp.Symbol):
    r"""The entry ``w^{(i)}_j`` (layer ``i``, entry ``j``) as a real sympy symbol named ``w{i}_{j}``; in LaTeX ``w^{(i)}_{j}``.

    Examples
    --------
    >>> print(sp.latex(FilterEntry("w2_3") ** 2))
    \left(w^{(2)}_{3}\right)^{2}
    """

    def __new__(cls, name, **assumptions):
        return super().__new__(cls, name, real=True, **assumptions)

    def _latex(self, printer):
        i, j = self.name[1:].split("_")
        return f"w^{{({i})}}_{{{j}}}"


def filter_symbols(arch):
    """The sympy symbols ``w{i}_{j}`` of the filter entries (:class:`FilterEntry`), one tuple per layer.

    Examples
    --------
    >>> filter_symbols(Architecture.for_output_width((2, 2), (1, 1)))
    ((w1_1, w1_2), (w2_1, w2_2))
    """
    return tuple(tuple(FilterEntry(n) for n in layer) for layer in filter_symbol_names(arch))


def _check_entry(c, i, j):
    if isinstance(c, (bool, str)) or not isinstance(c, (numbers.Number, sp.Basic, mpmath.mpf, mpmath.mpc, flint.fmpq, flint.fmpz)):
        raise FilterError(f"filter {i}, entry {j}: {abbreviate(c)} is not a number or sympy expression", layer=i, entry=j, value=c)
    if isinstance(c, (float, complex, mpmath.mpf, mpmath.mpc)) and not mpmath.isfinite(c):
        raise FilterError(f"filter {i}, entry {j} is {c}, not a finite number", layer=i, entry=j, value=c)
    if isinstance(c, sp.Basic) and c.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise FilterError(f"filter {i}, entry {j} is {c}, not finite", layer=i, entry=j, value=c)


def validate_filters(arch, filters):
    """Check that ``filters`` has one filter of width ``k_i`` per layer, entries finite.

    Returns
    -------
    list of list
        The filters as lists.

    Raises
    ------
    FilterError
        Naming the layer and the lengths, or the bad entry.

    Examples
    --------
    >>> validate_filters(Architecture(6, (2, 3), (1, 1)), [[1, 2], [3, 4]])
    Traceback (most recent call last):
    ...
    lcnsym.errors.FilterError: filter 2 has 2 entries but k_2 = 3
    """
    k, _ = _shape(arch)
    if isinstance(filters, str):
        raise FilterError("filters must be sequences of numbers, not a string")
    if not hasattr(filters, "__iter__"):
        raise FilterError(f"filters must be one list of numbers per layer, got {abbreviate(filters)}")
    filters = list(filters)
    for i, w in enumerate(filters, 1):
        if isinstance(w, (str, bytes, dict)) or not hasattr(w, "__iter__"):
            raise FilterError(f"filter {i} is {abbreviate(w)}, not a list of numbers (one list per layer: [[...], [...]])", layer=i)
    filters = [list(w) for w in filters]
    if len(filters) != len(k):
        raise FilterError(f"got {len(filters)} filters for an architecture of depth N = {len(k)}", got=len(filters), N=len(k))
    for i, (w, ki) in enumerate(zip(filters, k), 1):
        if len(w) != ki:
            raise FilterError(f"filter {i} has {len(w)} entries but k_{i} = {ki}", layer=i, got=len(w), k=ki)
        for j, c in enumerate(w, 1):
            _check_entry(c, i, j)
    return filters


def _route(method):
    if method == "recursion":
        return final_filter_recursive
    if method == "product":
        return final_filter_by_product
    raise FilterError(f"method must be one of {METHODS}, got {abbreviate(method)}")


def final_filter(arch, filters, method="recursion", *, dps=DEFAULT_DPS):
    """The final filter ``v = pi_(d,k,s)(w)`` (Proposition 1.1).

    Parameters
    ----------
    arch : Architecture
    filters : sequence of sequences
        ``w^(1), ..., w^(N)``: sympy expressions, exact rationals
        (``int``, ``Fraction``, ``sympy.Rational``) or mpmath numbers.
    method : {"recursion", "product"}
        The recursion (3.11), or the coefficients of ``prod_i p~_i`` (eq. 2.1).
    dps : int
        Working precision (digits) when the entries are mpmath numbers; exact
        and symbolic entries are computed exactly.

    Returns
    -------
    list
        The ``k_v`` entries: expanded sympy expressions for symbolic input,
        otherwise numbers of the input's type.

    Raises
    ------
    FilterError
        If the filters do not fit the architecture, or an entry is NaN or infinite.

    Examples
    --------
    >>> arch = Architecture.for_output_width((2, 2), (2, 1))
    >>> final_filter(arch, filter_symbols(arch))
    [w1_1*w2_1, w1_2*w2_1, w1_1*w2_2, w1_2*w2_2]
    >>> from fractions import Fraction
    >>> final_filter(arch, [[Fraction(1, 2), 1], [1, 3]], method="product")
    [Fraction(1, 2), 1, Fraction(3, 2), 3]

    References
    ----------
    Proposition 1.1, eq. (3.11); Proposition 2.1, eq. (2.1).
    """
    _, s = _shape(arch)
    filters, back = exact_entries(validate_filters(arch, filters))
    with working_precision(dps):
        return [back(c) for c in _route(method)(filters, s)]


def _identity(c):
    return c


def exact_entries(filters):
    """Filters ready for exact arithmetic, and the map that turns results back.

    Symbolic entries become sparse polynomials of a sympy ring over their
    generators (so products are expanded exactly); numbers stay as they are.

    Returns
    -------
    (list of list, callable)
    """
    flat = [c for w in filters for c in w]
    if not any(isinstance(c, sp.Basic) and not c.is_Rational for c in flat):
        return filters, _identity
    _, polys = sp.polys.rings.sring([c if isinstance(c, sp.Basic) else to_sympy(c) for c in flat], extension=True)
    it = iter(polys)
    return [[next(it) for _ in w] for w in filters], _ring_to_expr


def _ring_to_expr(c):
    return c.as_expr()


@lru_cache(maxsize=64)
def _context(names):
    return flint.fmpz_mpoly_ctx.get(names, "lex")


def symbolic_filters(arch):
    """The filter entries as python-flint ``fmpz_mpoly`` generators, one list per layer, and their context.

    Examples
    --------
    >>> ctx, ws = symbolic_filters(Architecture.for_output_width((2,), (1,)))
    >>> ws
    [[w1_1, w1_2]]
    """
    layers = filter_symbol_names(arch)
    ctx = _context(tuple(n for layer in layers for n in layer))
    gens = iter(ctx.gens())
    return ctx, [[next(gens) for _ in layer] for layer in layers]


def polys_to_sympy(polys, symbols):
    """Turn ``fmpz_mpoly`` polynomials into sympy expressions in ``symbols`` (flat, in generator order)."""
    out = []
    for p in polys:
        terms = []
        for mon, c in zip(p.monoms(), p.coeffs()):
            factors = [to_sympy(c)]
            factors += [sym if e == 1 else sym**e for sym, e in zip(symbols, mon) if e]
            terms.append(sp.Mul(*factors))
        out.append(sp.Add(*terms))
    return out


class SymbolicFilter:
    """The final filter of an architecture as exact polynomials in the entries ``w{i}_{j}``.

    The entries are kept as python-flint ``fmpz_mpoly`` (fast, exact);
    indexing or :meth:`exprs` gives sympy expressions, converted once and cached.

    Examples
    --------
    >>> v = symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1)))
    >>> len(v), v[1]
    (3, w1_1*w2_2 + w1_2*w2_1)
    >>> v.strings()
    ['w1_1*w2_1', 'w1_1*w2_2 + w1_2*w2_1', 'w1_2*w2_2']
    """

    def __init__(self, arch, polys, ctx):
        self.arch = arch
        self.polys = tuple(polys)
        self.ctx = ctx
        self._exprs = None

    def __len__(self):
        return len(self.polys)

    def __getitem__(self, m):
        return self.exprs()[m]

    def __eq__(self, other):
        if isinstance(other, SymbolicFilter):
            return self.ctx == other.ctx and self.polys == other.polys
        return NotImplemented

    def __hash__(self):
        return hash(tuple(str(p) for p in self.polys))

    def __repr__(self):
        return f"SymbolicFilter(k={self.arch.k}, s={self.arch.s}, k_v={len(self)})"

    @property
    def symbols(self):
        """The symbols ``w{i}_{j}``, flat, in layer order."""
        return tuple(c for layer in filter_symbols(self.arch) for c in layer)

    def exprs(self):
        """The entries as sympy expressions (converted once)."""
        if self._exprs is None:
            self._exprs = polys_to_sympy(self.polys, self.symbols)
        return self._exprs

    def strings(self):
        """Each entry as text, ``w1_1*w2_2 + w1_2*w2_1`` (python-flint's printing: no sympy conversion, so fast)."""
        return [str(p) for p in self.polys]

    def latex(self):
        """LaTeX of each entry, with ``w^{(i)}_{j}`` for the symbol ``w{i}_{j}``."""
        return [sp.latex(e) for e in self.exprs()]

    def _repr_latex_(self):
        shown = self.latex()[:8]
        more = f", \\ldots \\text{{ ({len(self) - 8} more)}}" if len(self) > 8 else ""
        return f"$v = \\pi(w) = \\left({', '.join(shown)}{more}\\right)$"

    def evaluate(self, filters):
        """The final filter at exact rational filters, as sympy Rationals.

        Raises
        ------
        FilterError
            For filters of the wrong shape or entries that are not exact
            rationals (floats are refused: give ``"0.1"`` or ``Fraction(1, 10)``).

        Examples
        --------
        >>> symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1))).evaluate([[1, 2], [3, 4]])
        [3, 10, 8]
        """
        filters = validate_filters(self.arch, filters)
        try:
            vals = [to_fmpq(to_rational(c, f"filter {i}, entry {j}")) for i, w in enumerate(filters, 1) for j, c in enumerate(w, 1)]
        except NumberError as exc:
            raise FilterError(str(exc), **exc.data) from None
        out = []
        for p in self.polys:
            q = to_fmpq(0)
            for mon, c in zip(p.monoms(), p.coeffs()):
                term = to_fmpq(c)
                for v, e in zip(vals, mon):
                    if e:
                        term *= v**e
                q += term
            out.append(to_sympy(q))
        return out


def symbolic_terms(arch):
    """The number of monomials of the symbolic final filter: ``prod_i k_i`` (each choice of one entry per layer), exactly.

    Examples
    --------
    >>> symbolic_terms(Architecture.for_output_width((3,) * 8, (2,) * 8))
    6561
    """
    total = 1
    for ki in arch.k:
        total *= ki
    return total


def symbolic_final_filter(arch, method="recursion", *, max_terms=MAX_SYMBOLIC_TERMS):
    """The final filter symbolic in the entries ``w{i}_{j}``, as exact polynomials.

    Parameters
    ----------
    arch : Architecture
    method : {"recursion", "product"}
        The recursion (3.11), or the product of the ``p~_i`` (eq. 2.1).
    max_terms : int
        Refuse architectures whose final filter has more monomials than this
        (:func:`symbolic_terms`) before any work.

    Returns
    -------
    SymbolicFilter

    Raises
    ------
    WorkLimitError
        If the final filter would have more than ``max_terms`` monomials.

    Examples
    --------
    >>> arch = Architecture.for_output_width((3,) * 8, (2,) * 8)
    >>> v = symbolic_final_filter(arch)
    >>> len(v), v == symbolic_final_filter(arch, method="product")
    (511, True)

    References
    ----------
    Proposition 1.1, eq. (3.11); Proposition 2.1, eq. (2.1).
    """
    if arch.kbar > MAX_SYMBOLS:
        raise WorkLimitError(f"the symbolic final filter of {arch.kbar} filter entries needs {arch.kbar} symbols, more than "
                             f"{MAX_SYMBOLS}; give numbers instead (--filters)", kbar=arch.kbar, limit=MAX_SYMBOLS)
    terms = symbolic_terms(arch)
    if terms > max_terms:
        raise WorkLimitError(f"the symbolic final filter of k = {abbreviate(arch.k)} has {abbreviate(terms)} monomials, more than "
                             f"the limit {max_terms}; give numbers (--filters) or raise the limit (max_terms, --max-terms)",
                             terms=terms, limit=max_terms)
    ctx, ws = symbolic_filters(arch)
    return SymbolicFilter(arch, _route(method)(ws, arch.s), ctx)
