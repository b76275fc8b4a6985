"""The pseudo-Huber loss ``delta sum_i sqrt(1 + r_i^2 / delta^2)`` (Theorem 3.8, Corollary 3.7)."""

from lcnsym.dynamics.losses.base import Loss, positive

__all__ = ["PseudoHuber"]


class PseudoHuber(Loss):
    """``phi(r) = delta sqrt(1 + r^2/delta^2)``, ``delta > 0``; (3.9) with ``c = 0``.

    Examples
    --------
    >>> from lcnsym.numeric import show
    >>> show(PseudoHuber(1)([3], [-1]), 15)  # sqrt(17)
    '4.12310562561766'
    """

    name = "pseudo-huber"
    summary = "delta sum sqrt(1 + r_i^2/delta^2), delta > 0"
    parameters = (positive("delta"),)
    examples = ((1,),)
    grid = (("1/100",), (1,), (100,))
    reference = "Theorem 3.8, Corollary 3.7"

    def phi(self, r, F):
        d = F.const(self.delta)
        return d * F.sqrt(1 + r * r / (d * d))

    def dphi(self, r, F):
        d = F.const(self.delta)
        return r / (d * F.sqrt(1 + r * r / (d * d)))

    def c1_of(self, F):
        return F.const(0)

    def excess_of(self, r, F):
        # delta sqrt(1 + r^2/delta^2) - |r| = delta^2 / (sqrt(delta^2 + r^2) + |r|): no cancellation; plus c1 (= 0), so
        # that the constant the definition declares is the one the check of (3.9) decides
        d2 = F.const(self.delta) ** 2
        return d2 / (F.sqrt(d2 + r * r) + abs(r)) + self.c1_of(F)
