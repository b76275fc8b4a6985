"""The ``l_p`` loss ``(1/p) ||z - y||_p^p`` for even ``p`` (Theorem 3.8)."""

from lcnsym.dynamics.losses.base import Loss, even_integer

__all__ = ["Lp", "MAX_P"]

MAX_P = 100
"""The largest ``p`` accepted (the engines expand ``r^(p-1)``)."""


class Lp(Loss):
    """``phi(r) = r^p / p``, ``p`` even; (3.8) holds with ``h(L) = dN m p^(1/p) L^(1/p)``.

    Examples
    --------
    >>> from lcnsym.numeric import show
    >>> show(Lp(4)([2], [0]), 5)
    '4.0000'
    """

    name = "lp"
    summary = "(1/p) ||z - y||_p^p, p even"
    parameters = (even_integer("p", 2, MAX_P),)
    examples = ((4,),)
    reference = "Theorem 3.8, eq. (3.8)"

    def phi(self, r, F):
        return r ** self.p / self.p

    def dphi(self, r, F):
        return r ** (self.p - 1)

    def h_of(self, L, dN, m, F):
        return dN * m * F.root(F.const(self.p), self.p) * F.root(L, self.p)

    def h_at_least(self, L, dN, m, value):
        return value <= 0 or value ** self.p <= (dN * m) ** self.p * self.p * L
