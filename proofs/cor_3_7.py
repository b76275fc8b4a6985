"""cor-3.7: ``||Wx - y||_1 <= loss(Wx, y) + c`` (3.9) gives (3.8) with ``h(t) = t + c m``."""

import random

import mpmath

from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.losses import generalized_huber, log_cosh, pseudo_huber

ID = "cor-3.7"
STATEMENT = "||r||_1 <= loss(r) + c (3.9) for pseudo-Huber (c = 0), generalized Huber (c = 0 or (dN/alpha) log(2/(2+beta))), log-cosh (c = dN log 2 / alpha)"
DEPENDS_ON = ("lemma-3.6",)
REFERENCE = "Corollary 3.7, eq. (3.9)"
LIBRARY = ("lcnsym.losses.pseudo_huber", "lcnsym.losses.generalized_huber", "lcnsym.losses.log_cosh")
CLI = "lcnsym arch --k 2,2 --s 1,1"
EVIDENCE = "search: random and extreme residuals (0, 1e-30, 1e30, mixed) at 50 digits, per loss and parameter; smallest slack"


def losses():
    """The losses and parameters the check covers."""
    return [pseudo_huber(d) for d in (mpmath.mpf("0.01"), 1, 100)] + \
           [generalized_huber(a, b) for a in (mpmath.mpf("0.1"), 1, 10) for b in (0, 1, mpmath.mpf(-1), mpmath.mpf("-1.999"))] + \
           [log_cosh(a) for a in (mpmath.mpf("0.1"), 1, 10)]


def _residuals(rng, dN, count):
    extremes = [mpmath.mpf(0), mpmath.mpf("1e-30"), mpmath.mpf("1e30"), mpmath.mpf("-1e30"), mpmath.mpf("1e-8"), mpmath.mpf(50)]
    yield [mpmath.mpf(0)] * dN
    for _ in range(count):
        yield [rng.choice(extremes) * rng.choice((1, -1)) if rng.random() < 0.4 else mpmath.mpf(rng.gauss(0, 3)) for _ in range(dN)]


def check(config=CheckConfig(), c_shift=0):
    """(3.9) per loss; ``c_shift < 0`` (a smaller constant) is a false variant."""
    rng = random.Random(config.seed)
    slack, count = mpmath.inf, 0
    with mpmath.workdps(50):
        for loss in losses():
            for dN in (1, 3):
                c = loss.c(dN) + c_shift
                for r in _residuals(rng, dN, 400 if config.thorough else 50):
                    count += 1
                    lhs, rhs = mpmath.fsum(abs(x) for x in r), loss.residual_loss(r) + c
                    # at |r| = 1e30 the slack (e.g. log(1 + e^(-2 alpha |r|)) / alpha) is far below 50 digits:
                    # compare to 40 digits relative to the size of ||r||_1
                    if lhs > rhs + mpmath.mpf(10) ** -40 * max(1, lhs):
                        return Evidence(False, "search", "residuals", count, counterexample={
                            "loss": loss.label(), "dN": dN, "r": [mpmath.nstr(x, 10) for x in r],
                            "||r||_1": mpmath.nstr(lhs, 20), "loss + c": mpmath.nstr(rhs, 20), "c": mpmath.nstr(c, 10)})
                    slack = min(slack, (rhs - lhs) / max(1, lhs))
    return Evidence(True, "search",
                    f"{count} residual vectors (dN = 1, 3; random and extreme: 0, +-1e-30, +-1e30) for pseudo-Huber "
                    f"(3 deltas), generalized Huber (3 alphas x beta in 0, 1, -1, -1.999) and log-cosh (3 alphas), 50-digit "
                    f"arithmetic compared to 40 digits relative to ||r||_1",
                    count, worst_margin=f"smallest ((loss + c) - ||r||_1) / max(1, ||r||_1) = {mpmath.nstr(slack, 6)}",
                    details={"smallest slack": float(slack)})
