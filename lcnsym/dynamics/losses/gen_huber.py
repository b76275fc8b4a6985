"""The generalized Huber loss ``(1/alpha) sum_i log(e^(alpha r_i) + e^(-alpha r_i) + beta)`` (Theorem 3.8, Corollary 3.7)."""

from lcnsym.dynamics.losses.base import Loss, greater_than, positive

__all__ = ["GeneralizedHuber"]


class GeneralizedHuber(Loss):
    """``alpha > 0``, ``beta > -2``; (3.9) with ``c = 0`` for ``beta >= 0`` and ``c = (dN/alpha) log(2/(2+beta))`` otherwise.

    Examples
    --------
    >>> from lcnsym.numeric import show
    >>> show(GeneralizedHuber(1, 0)([0], [0]), 10)  # log 2
    '0.6931471806'
    """

    name = "gen-huber"
    summary = "(1/alpha) sum log(e^(alpha r_i) + e^(-alpha r_i) + beta), alpha > 0, beta > -2"
    parameters = (positive("alpha"), greater_than("beta", -2))
    examples = ((1, "1/2"), (2, "-3/2"))
    grid = tuple((a, b) for a in ("1/10", 1, 10) for b in (0, 1, "-1/2", -1, "-1999/1000"))  # c > 0 from beta < 0 on
    reference = "Theorem 3.8, Corollary 3.7"

    def phi(self, r, F):
        a, b = F.const(self.alpha), F.const(self.beta)
        return F.log(F.exp(a * r) + F.exp(-a * r) + b) / a

    def dphi(self, r, F):
        # (e - 1/e) / (e + 1/e + beta) with e = exp(alpha r), multiplied through by e: one exponential
        a, b = F.const(self.alpha), F.const(self.beta)
        e = F.exp(a * r)
        e2 = e * e
        return (e2 - 1) / (e2 + b * e + 1)

    def dphi_balls(self, r, F):
        # the same as tanh(alpha r) / (1 + (beta/2) sech(alpha r)): bounded factors (|tanh| <= 1, 0 < sech <= 1, and
        # 1 + (beta/2) sech > 0 for beta > -2), so balls over a box stay narrow where e^(alpha r)'s would not
        x = F.const(self.alpha) * r
        return F.tanh(x) / (1 + F.const(self.beta) / 2 * F.sech(x))

    def c1_of(self, F):
        if self.beta >= 0:
            return F.const(0)
        return F.log(2 / (2 + F.const(self.beta))) / F.const(self.alpha)

    def excess_of(self, r, F):
        # phi(r) = |r| + log(1 + beta u + u^2) / alpha with u = exp(-alpha |r|) <= 1
        a, b = F.const(self.alpha), F.const(self.beta)
        u = F.exp(-a * abs(r))
        return F.log1p(b * u + u * u) / a + self.c1_of(F)
