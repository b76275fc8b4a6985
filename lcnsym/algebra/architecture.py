"""Architectures ``(d, k, s)`` of linear convolutional networks (Section 1.1).

An architecture is fixed by the input width ``d0``, the filter widths ``k``
and the strides ``s``; the other widths follow from eq. (1.5),
``d_i = (d_{i-1} - k_i) / s_i + 1``, which must be a positive integer.
"""

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import prod
import numbers

from lcnsym.errors import ArchitectureError
from lcnsym.numeric import abbreviate

__all__ = ["Architecture", "MAX_SIZE", "MAX_DEPTH", "stride_products", "final_filter_width", "final_stride", "shapes"]

MAX_SIZE = 10**18
"""The largest input width, filter width or stride an architecture may have."""

MAX_DEPTH = 10_000
"""The most layers an architecture may have."""


def _positive_int(value, what):
    if type(value) is int and 1 <= value <= MAX_SIZE:  # the common case, without the slow ABC check
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArchitectureError(f"{what} must be a whole number, got {abbreviate(value)}", what=what, value=value)
    if value < 1:
        raise ArchitectureError(f"{what} must be at least 1, got {abbreviate(value)}", what=what, value=value)
    if value > MAX_SIZE:
        raise ArchitectureError(f"{what} = {abbreviate(value)} is larger than {MAX_SIZE:.0e}, the largest size accepted",
                                what=what, value=value)
    return int(value)


def _int_tuple(values, what):
    try:
        values = tuple(values)
    except TypeError:
        raise ArchitectureError(f"{what} must be a sequence, got {abbreviate(values)}", what=what) from None
    if len(values) > MAX_DEPTH:
        raise ArchitectureError(f"{what} has {len(values)} entries; at most {MAX_DEPTH} layers are accepted", what=what)
    return tuple(_positive_int(v, f"{what}_{i}") for i, v in enumerate(values, 1))


def stride_products(s):
    """The products ``prod_{n<i} s_n`` for ``i = 1..N`` (the stride exponents of eq. 2.1).

    Examples
    --------
    >>> stride_products((2, 3, 1))
    (1, 2, 6)
    """
    out, acc = [], 1
    for si in s:
        out.append(acc)
        acc *= si
    return tuple(out)


def final_filter_width(k, s):
    """``k_v = k_1 + sum_{i>=2} (k_i - 1) prod_{m<i} s_m`` (Proposition 1.1).

    Examples
    --------
    >>> final_filter_width((3,) * 8, (2,) * 8)
    511
    """
    return 1 + sum((ki - 1) * p for ki, p in zip(k, stride_products(s)))


def final_stride(s):
    """``s_v = prod_i s_i`` (Proposition 1.1).

    Examples
    --------
    >>> final_stride((2, 1, 3))
    6
    """
    return prod(s)


def shapes(max_depth, max_width, max_stride, min_depth=1):
    """Every ``(k, s)`` with ``min_depth <= N <= max_depth``, ``k_i <= max_width``, ``s_i <= max_stride``.

    Examples
    --------
    >>> len(list(shapes(2, 2, 1)))
    6
    >>> sum(1 for _ in shapes(4, 4, 3))
    22620
    """
    from itertools import product

    layers = list(product(range(1, max_width + 1), range(1, max_stride + 1)))
    for n in range(min_depth, max_depth + 1):
        for combo in product(layers, repeat=n):
            yield tuple(c[0] for c in combo), tuple(c[1] for c in combo)


@dataclass(frozen=True)
class Architecture:
    """An LCN architecture ``(d, k, s)`` of depth ``N``, validated against eq. (1.5).

    Parameters
    ----------
    d0 : int
        Input width.
    k : sequence of int
        Filter widths ``k_1..k_N``.
    s : sequence of int
        Strides ``s_1..s_N``.

    Raises
    ------
    ArchitectureError
        If the lengths differ, a width or stride is below 1, or some
        ``d_i = (d_{i-1} - k_i)/s_i + 1`` is not a positive integer; the message
        names the layer and the numbers.

    Examples
    --------
    >>> a = Architecture(20, (4, 3), (2, 1))
    >>> a.d, a.k_v, a.s_v, a.kbar
    ((20, 9, 7), 8, 2, 7)
    >>> Architecture(10, (4,), (4,))
    Traceback (most recent call last):
    ...
    lcnsym.errors.ArchitectureError: layer 1: (d_0 - k_1)/s_1 + 1 = (10 - 4)/4 + 1 = 5/2 is not an integer (eq. 1.5)

    References
    ----------
    Eq. (1.5) and Proposition 1.1 of Diederen, Rauhut, Terstiege (2026).
    """

    d0: int
    k: tuple
    s: tuple

    def __post_init__(self):
        d0 = _positive_int(self.d0, "d0")
        k = _int_tuple(self.k, "k")
        s = _int_tuple(self.s, "s")
        if not k:
            raise ArchitectureError("an architecture needs at least one layer (k is empty)")
        if len(k) != len(s):
            raise ArchitectureError(
                f"k has {len(k)} entries but s has {len(s)}: give one filter width and one stride per layer"
            )
        widths = [d0]
        for i, (ki, si) in enumerate(zip(k, s), 1):
            prev = widths[-1]
            num = prev - ki
            expr = f"(d_{i-1} - k_{i})/s_{i} + 1 = ({prev} - {ki})/{si} + 1"
            if num % si:
                val = Fraction(num, si) + 1
                raise ArchitectureError(f"layer {i}: {expr} = {val} is not an integer (eq. 1.5)", layer=i)
            di = num // si + 1
            if di < 1:
                raise ArchitectureError(
                    f"layer {i}: {expr} = {di} is not positive: the filter (k_{i} = {ki}) is wider "
                    f"than the layer's input (d_{i-1} = {prev}) (eq. 1.5)", layer=i
                )
            widths.append(di)
        object.__setattr__(self, "d0", d0)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "s", s)
        object.__setattr__(self, "_d", tuple(widths))

    @classmethod
    def for_output_width(cls, k, s, dN=1):
        """The architecture with the smallest ``d0`` whose output width is ``dN``.

        Parameters
        ----------
        k, s : sequence of int
            Filter widths and strides.
        dN : int, optional
            Wanted output width (default 1).

        Returns
        -------
        Architecture

        Examples
        --------
        >>> Architecture.for_output_width((4, 3), (2, 1), dN=2).d
        (10, 4, 2)
        """
        if type(k) is tuple and type(s) is tuple and type(dN) is int and all(type(x) is int for x in k + s):
            return _smallest(cls, k, s, dN)  # the checks ask for the same few thousand shapes many times
        k, s = _int_tuple(k, "k"), _int_tuple(s, "s")
        return _smallest(cls, k, s, _positive_int(dN, "dN"))  # validated before the cache sees them (hashable)


    def admissible_d0(self, count, dN_start=1):
        """The first ``count`` input widths ``d0`` admissible for ``(k, s)``, from output width ``dN_start`` on.

        Examples
        --------
        >>> [a.d0 for a in Architecture(5, (3,), (2,)).admissible_d0(3)]
        [3, 5, 7]
        """
        return [type(self).for_output_width(self.k, self.s, dN) for dN in range(dN_start, dN_start + count)]

    @property
    def d(self):
        """The widths ``(d_0, ..., d_N)``."""
        return self._d

    @property
    def N(self):
        """The depth."""
        return len(self.k)

    @property
    def dN(self):
        """The output width ``d_N``."""
        return self._d[-1]

    @property
    def kbar(self):
        """``k_1 + ... + k_N``, the number of filter entries."""
        return sum(self.k)

    @property
    def k_v(self):
        """Width of the final filter (Proposition 1.1)."""
        return final_filter_width(self.k, self.s)

    @property
    def s_v(self):
        """Stride of the final filter (Proposition 1.1)."""
        return final_stride(self.s)

    @property
    def stride_products(self):
        """``prod_{n<i} s_n`` for each layer ``i`` (the exponent step of eq. 2.1)."""
        return stride_products(self.s)

    @property
    def t(self):
        """Degrees ``t_i = (k_i - 1) prod_{n<i} s_n`` of the polynomials of eq. (2.1)."""
        return tuple((ki - 1) * p for ki, p in zip(self.k, self.stride_products))

    def __repr__(self):
        return f"Architecture(d0={self.d0}, k={self.k}, s={self.s})"

    def _repr_html_(self):
        rows = [("widths d", ", ".join(map(str, self.d))), ("filter widths k", ", ".join(map(str, self.k))),
                ("strides s", ", ".join(map(str, self.s))), ("k_v, s_v (Prop. 1.1)", f"{self.k_v}, {self.s_v}"),
                ("degrees t_i (eq. 2.1)", ", ".join(map(str, self.t)))]
        body = "".join(f"<tr><th style='text-align:left'>{a}</th><td>{b}</td></tr>" for a, b in rows)
        return f"<table><caption>LCN architecture, N = {self.N}</caption>{body}</table>"

    def as_dict(self):
        """A JSON-ready summary of the architecture."""
        return {
            "d0": self.d0,
            "k": list(self.k),
            "s": list(self.s),
            "d": list(self.d),
            "N": self.N,
            "kbar": self.kbar,
            "k_v": self.k_v,
            "s_v": self.s_v,
            "t": list(self.t),
        }


@lru_cache(maxsize=65536)
def _smallest(cls, k, s, dN):
    """``Architecture.for_output_width`` on tuples of ints (validated by the constructor; an architecture is immutable)."""
    k, s, d = _int_tuple(k, "k"), _int_tuple(s, "s"), _positive_int(dN, "dN")  # once per shape: the result is cached
    if len(k) != len(s):
        return cls(1, k, s)  # raises the error about the lengths
    for ki, si in zip(reversed(k), reversed(s)):
        d = (d - 1) * si + ki
    return cls(d, k, s)
