"""cor-3.7: ``||Wx - y||_1 <= loss(Wx, y) + c`` (3.9) gives (3.8) with ``h(t) = t + c m``."""

from fractions import Fraction
import random

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.dynamics.losses import grid_losses
from lcnsym.errors import PrecisionError
from lcnsym.numeric import ARB, CHECK_DPS, compare, escalation, show, show_tolerance, to_float, to_rational, working_precision

ID = "cor-3.7"
STATEMENT = "||r||_1 <= loss(r) + c (3.9) for pseudo-Huber (c = 0), generalized Huber (c = 0 or (dN/alpha) log(2/(2+beta))), log-cosh (c = dN log 2 / alpha)"
DEPENDS_ON = ("lemma-3.6",)
REFERENCE = "Corollary 3.7, eq. (3.9)"
LIBRARY = ("lcnsym.dynamics.losses.grid_losses", "lcnsym.dynamics.losses.base.Loss")
CLI = "lcnsym flow --k 2,2 --s 1,1 --loss pseudo-huber:1 --t-max 20"
EVIDENCE = "certified: loss(r) + c - ||r||_1 >= 0 in balls, per loss and parameter of the loss table, on random and extreme residuals (0, 1e-30, 1e30); each loss's stable form of the excess cross-checked against phi"
DIGITS = escalation(CHECK_DPS, 2)
EXTREMES = (Fraction(0), Fraction(1, 10**30), Fraction(10**30), Fraction(10**60), Fraction(10**100), Fraction(1, 10**8),
            Fraction(50))
"""Extreme residual entries: where (3.9)'s slack tends to 0 (huge |r|: pseudo-Huber's slack is delta^2 / (2|r|), so a
constant too small by 1e-45 fails at |r| = 1e100), and where it is largest (0, tiny |r|)."""
MIN_RESIDUALS = {"quick": 40, "thorough": 300}
"""The fewest residual vectors per loss a run may decide and still pass."""


def _residuals(rng, dN, count):
    yield [Fraction(0)] * dN
    for _ in range(count):
        yield [rng.choice(EXTREMES) * rng.choice((1, -1)) if rng.random() < 0.4 else to_rational(rng.gauss(0, 3), floats=True)
               for _ in range(dN)]


def _slack(loss, r, c_shift, dps):
    """``loss(r) + c + c_shift - ||r||_1`` as a ball: the sum of the loss's per-coordinate excesses (exact input)."""
    with working_precision(dps):
        return sum((loss.excess_of(ARB.const(x), ARB) for x in r), ARB.const(c_shift))


def _consistent(loss, x, dps):
    """The loss's excess form against ``phi(x) + c1 - |x|`` computed directly (where that is accurate): the balls overlap."""
    with working_precision(dps):
        direct = loss.phi(ARB.const(x), ARB) + loss.c1_of(ARB) - abs(ARB.const(x))
        return direct.overlaps(loss.excess_of(ARB.const(x), ARB))


def check(config=CheckConfig(), c_shift=0):
    """(3.9) per loss of the table's grid; ``c_shift < 0`` (a smaller constant) is a false variant."""
    c_shift = to_rational(c_shift, "c_shift", floats=True)
    rng = random.Random(config.seed)
    slack, count, losses = None, 0, grid_losses()
    per_loss, dims, largest, extremes = {}, set(), Fraction(0), set()
    for loss in losses:
        for x in (Fraction(0), Fraction(1, 3), Fraction(-7, 2), Fraction(20)):
            if not _consistent(loss, x, DIGITS[0]):
                return Evidence(False, "certified", "the losses' excess forms", count, counterexample={
                    "loss": loss.label(), "r": show(x), "problem": "excess_of(r) differs from phi(r) + c1 - |r|"})
        for dN in (1, 3):
            for r in _residuals(rng, dN, 400 if config.thorough else 50):
                count += 1
                per_loss[loss.label()] = per_loss.get(loss.label(), 0) + 1
                dims.add(dN)
                largest = max(largest, max(abs(x) for x in r))
                extremes.update(abs(x) for x in r if abs(x) in EXTREMES)
                for dps in DIGITS:
                    ball = _slack(loss, r, c_shift, dps)
                    ok = compare(0, ball)  # 0 <= slack
                    if ok is not None:
                        break
                else:
                    raise PrecisionError(f"cor-3.7 undecided for {loss.label()} at r = {[show(x) for x in r]} "
                                         f"even at {DIGITS[-1]} digits", dps=DIGITS[-1])
                if not ok:
                    return Evidence(False, "certified", "residuals", count, counterexample={
                        "loss": loss.label(), "dN": dN, "r": [show(x) for x in r], "loss + c - ||r||_1": show(ball, 20),
                        "c": show(loss.c(dN), 10), "c_shift": show(c_shift)})
                value = to_float(ball)
                slack = value if slack is None else min(slack, value)
    least = MIN_RESIDUALS[config.profile]
    short = {label: f"ran {n}, minimum {least}" for label, n in per_loss.items() if n < least}
    short.update({l.label(): f"ran 0, minimum {least}" for l in losses if l.label() not in per_loss})
    if short or not losses:
        return Evidence(False, "certified", "a search smaller than its minimum", count,
                        counterexample={"search too small": short or "no loss in the grid"})
    names = sorted({l.name for l in losses})
    return Evidence(True, "certified",
                    f"{count} residual vectors (dN = {', '.join(map(str, sorted(dims)))}; random and extreme entries "
                    f"{', '.join(show_tolerance(q) if 0 < q < 1 else show(q) if q < 10**6 else f'1e{len(str(q)) - 1}' for q in sorted(extremes))}"
                    f" with both signs, largest |r_i| = {'1e' + str(len(str(int(largest))) - 1) if largest >= 10**6 else show(largest)}) "
                    f"for {len(losses)} losses of {len(names)} kinds ({', '.join(l.label() for l in losses)}), at least "
                    f"{min(per_loss.values())} each: loss(r) + c - ||r||_1 >= 0 decided in {DIGITS[0]}-digit balls "
                    f"(more digits where undecided) from each loss's stable excess form, itself checked against phi",
                    count, worst_margin=f"smallest loss(r) + c - ||r||_1 = {slack:.6g}", details={"smallest slack": slack})
