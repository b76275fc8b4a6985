"""The log-cosh loss ``(1/alpha) sum_i log cosh(alpha r_i)`` (Theorem 3.8, Corollary 3.7)."""

from lcnsym.dynamics.losses.base import Loss, positive

__all__ = ["LogCosh"]


class LogCosh(Loss):
    """``alpha > 0``; (3.9) with ``c = dN log(2) / alpha``.

    Examples
    --------
    >>> from lcnsym.numeric import show
    >>> show(LogCosh(2)([0], [0]), 5)
    '0.0'
    """

    name = "log-cosh"
    summary = "(1/alpha) sum log cosh(alpha r_i), alpha > 0"
    parameters = (positive("alpha"),)
    examples = ((1,),)
    grid = (("1/10",), (1,), (10,))
    reference = "Theorem 3.8, Corollary 3.7"

    def phi(self, r, F):
        a = F.const(self.alpha)
        return F.log(F.cosh(a * r)) / a

    def dphi(self, r, F):
        return F.tanh(F.const(self.alpha) * r)

    def c1_of(self, F):
        return F.log(F.const(2)) / F.const(self.alpha)

    def excess_of(self, r, F):
        # log cosh(alpha r) / alpha + log(2) / alpha - |r| = log(1 + exp(-2 alpha |r|)) / alpha
        a = F.const(self.alpha)
        return F.log1p(F.exp(-2 * a * abs(r))) / a
