"""The square loss ``||y - z||_2^2`` (eq. 1.8, Theorem 1.2)."""

from lcnsym.dynamics.losses.base import Loss

__all__ = ["Square"]


class Square(Loss):
    """``phi(r) = r^2``; (3.8) holds with ``h(L) = dN m sqrt(L)``.

    Examples
    --------
    >>> from lcnsym.numeric import show
    >>> show(Square()([1, 2], [0, 0]), 10)
    '5.000000000'
    """

    name = "square"
    summary = "||y - z||_2^2"
    reference = "eq. (1.8), Theorem 1.2"
    quadratic = 1

    def phi(self, r, F):
        return r * r

    def dphi(self, r, F):
        return 2 * r

    def h_of(self, L, dN, m, F):
        return dN * m * F.sqrt(L)

    def h_at_least(self, L, dN, m, value):
        return value <= 0 or value * value <= (dN * m) ** 2 * L
