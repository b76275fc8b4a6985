"""cor-3.7: ``||Wx - y||_1 <= loss(Wx, y) + c`` (3.9) gives (3.8) with ``h(t) = t + c m``."""

from fractions import Fraction
import random

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.dynamics.engines.certified import ArbTape
from lcnsym.dynamics.losses import Loss, example_losses, grid_losses
from lcnsym.errors import InputError, PrecisionError
from lcnsym.numeric import ARB, CHECK_DPS, EXACT, SYMPY, compare, escalation, show, show_tolerance, to_float, to_rational, working_precision

ID = "cor-3.7"
STATEMENT = "||r||_1 <= loss(r) + c (3.9) for pseudo-Huber (c = 0), generalized Huber (c = 0 or (dN/alpha) log(2/(2+beta))), log-cosh (c = dN log 2 / alpha)"
DEPENDS_ON = ("lemma-3.6",)
REFERENCE = "Corollary 3.7, eq. (3.9)"
LIBRARY = ("lcnsym.dynamics.losses.grid_losses", "lcnsym.dynamics.losses.base.Loss")
CLI = "lcnsym flow --k 2,2 --s 1,1 --loss pseudo-huber:1 --t-max 20"
EVIDENCE = ("certified: loss(r) + c - ||r||_1 >= 0 in balls, per loss and parameter of the loss table, on random and extreme "
            "residuals (0, 1e-30, 1e30); each loss's stable form of the excess, and its dphi, cross-checked against phi; (3.8) for every "
            "loss on residual matrices")
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


LEVELS = (Fraction(0), Fraction(1, 10**8), Fraction(1, 3), Fraction(1), Fraction(7, 2), Fraction(20), Fraction(10**6))
"""Sizes of the equal-sized residual matrices of (3.8), where Hoelder's inequality (l_p, square) is tight."""
MIN_MATRICES = 40
"""The fewest residual matrices per loss on which (3.8) is decided."""


def _matrices(rng, dN, m):
    for a in LEVELS:
        yield [[a * rng.choice((1, -1)) for _ in range(m)] for _ in range(dN)]
    for _ in range(2):
        yield [[to_rational(rng.gauss(0, 3), floats=True) for _ in range(m)] for _ in range(dN)]


def _h_holds(loss, R, dN, m):
    """``(verdict or None, ||R||_1, h)``: whether ``||R||_1 <= h(L(R))`` (3.8), in balls at rising precision, then exactly
    where the loss can (its ``phi`` in rationals and ``h_at_least``)."""
    entries = [x for row in R for x in row]
    lhs = sum(abs(x) for x in entries)
    for dps in DIGITS:
        with working_precision(dps):
            L = sum((loss.phi(ARB.const(x), ARB) for x in entries), ARB.const(0))
            rhs = loss.h_of(L, dN, m, ARB)
        ok = compare(lhs, rhs)
        if ok is not None:
            return ok, lhs, rhs
    try:
        exact_L = sum(loss.phi(x, EXACT) for x in entries)
    except InputError:  # a transcendental phi: no exact value
        exact_L = None
    exact = None if exact_L is None else loss.h_at_least(exact_L, dN, m, lhs)
    if exact is not None:
        return exact, lhs, rhs
    if type(loss).h_of is Loss.h_of:  # h = L + c m: h - ||R||_1 = (c m - dN m c1) + sum of the excesses phi + c1 - |x|
        gap = _c_gap(loss, dN, m)
        if gap is not None and gap < 0:
            return False, lhs, rhs
        excesses = [compare(0, _slack(loss, [x], 0, DIGITS[-1])) for x in entries]
        if gap is not None and all(excesses):
            return True, lhs, rhs
    return None, lhs, rhs


def _c_gap(loss, dN, m):
    """The sign (-1, 0, 1) of ``c(dN) m - dN m c1`` (zero by Corollary 3.7's c = dN c1), decided with sympy: exactly
    zero if it simplifies to 0, else by its value in balls; ``None`` if undecided."""
    import sympy

    gap = sympy.simplify(loss.c_of(dN, SYMPY) * m - dN * m * loss.c1_of(SYMPY))
    if gap == 0:
        return 0
    for dps in DIGITS:
        with working_precision(dps):
            ok = compare(0, ARB.const(0) + loss.c_of(dN, ARB) * m - dN * m * loss.c1_of(ARB))
        if ok is not None:
            return 1 if ok else -1
    return None


def h_on_matrices(config, losses):
    """(3.8), ``||R||_1 <= h(L(R))``, for every loss on residual matrices ``R`` (``dN, m`` in 1..3): equal-sized entries of
    every size in :data:`LEVELS` and random ones.  Returns ``(counterexample or None, matrices, per-loss counts)``."""
    rng = random.Random(config.seed + 37)
    count, per_loss, undecided = 0, {}, None
    for loss in losses:
        for dN in (1, 2, 3):
            for m in (1, 2, 3):
                for R in _matrices(rng, dN, m):
                    count += 1
                    per_loss[loss.label()] = per_loss.get(loss.label(), 0) + 1
                    ok, lhs, rhs = _h_holds(loss, R, dN, m)
                    if ok is False:
                        return ({"loss": loss.label(), "dN": dN, "m": m, "R": [[show(x) for x in row] for row in R],
                                 "||R||_1": show(lhs), "h(L(R))": show(rhs, 20)}, count, per_loss)
                    if ok is None and undecided is None:
                        undecided = (loss.label(), dN, m, R)
    if undecided is not None:  # no counterexample anywhere, but one comparison the balls could not decide
        label, dN, m, R = undecided
        raise PrecisionError(f"(3.8) undecided for {label} on dN = {dN}, m = {m}, R = {[[show(x) for x in r] for r in R]} "
                             f"even at {DIGITS[-1]} digits", dps=DIGITS[-1])
    return None, count, per_loss


def h_as_stated(loss, L, dN, m):
    """``h(L)`` of (3.8) as RESULTS.md states it, transcribed here (balls; ``L`` exact): ``dN m sqrt(L)`` for the square
    loss (thm-1.2), ``dN m p^(1/p) L^(1/p)`` for ``l_p`` (thm-3.8), else ``L + c m`` with cor-3.7's ``c``: pseudo-Huber
    ``0``, generalized Huber ``0`` for ``beta >= 0`` and ``(dN/alpha) log(2/(2+beta))`` below, log-cosh
    ``dN log(2)/alpha``; ``None`` for a loss RESULTS.md does not state."""
    L, dN, m = ARB.const(L), ARB.const(dN), ARB.const(m)
    if loss.name == "square":
        return dN * m * ARB.sqrt(L)
    if loss.name == "lp":
        p = ARB.const(loss.p)
        return dN * m * ARB.exp(ARB.log(p) / p) * (ARB.exp(ARB.log(L) / p) if L > 0 else ARB.const(0))
    if loss.name == "pseudo-huber":
        c = ARB.const(0)
    elif loss.name == "gen-huber":
        beta = ARB.const(loss.beta)
        c = ARB.const(0) if loss.beta >= 0 else dN / ARB.const(loss.alpha) * ARB.log(2 / (2 + beta))
    elif loss.name == "log-cosh":
        c = dN * ARB.log(ARB.const(2)) / ARB.const(loss.alpha)
    else:
        return None
    return L + c * m


DERIVATIVE_POINTS = (Fraction(0), Fraction(1, 3), Fraction(-7, 2), Fraction(20))
"""Where each loss's excess form, ball form of ``phi'`` and ``dphi`` are held against ``phi``."""
H_DN, H_M = (1, 3), (1, 4)
H_POINTS = (Fraction(0), Fraction(1, 3), Fraction(7), Fraction(10**6))
"""The values of ``L`` at which each loss's ``h`` is held against :func:`h_as_stated`, with each ``dN`` of ``H_DN`` and ``m``
of ``H_M`` (a constant counted twice, or ``p`` for ``p^(1/p)``, differs there)."""


def h_against_statement(losses):
    """``(counterexample or None, count)``: every loss's ``h_of`` against :func:`h_as_stated` (the balls overlap): (3.8)'s
    checks only ask ``||R||_1 <= h(L)``, which an ``h`` too large passes."""
    count = 0
    for loss in losses:
        for dN in H_DN:
            for m in H_M:
                for L in H_POINTS:
                    with working_precision(DIGITS[0]):
                        stated = h_as_stated(loss, L, dN, m)
                        if stated is None:
                            continue
                        library = loss.h_of(ARB.const(L), dN, m, ARB)
                        count += 1
                        if not library.overlaps(stated):
                            return {"loss": loss.label(), "dN": dN, "m": m, "L": show(L), "h_of": show(library, 20),
                                    "h as RESULTS.md states it": show(stated, 20)}, count
    return None, count


def _all_losses():
    """The grid of cor-3.7 and every example loss (l_p and square have their own h): each label once."""
    out = {}
    for loss in list(grid_losses()) + list(example_losses()):
        out.setdefault(loss.label(), loss)
    return list(out.values())


def _same_derivative(loss, x, dps):
    """The loss's form of ``phi'`` for balls (the certified engine's) against ``dphi``: the balls overlap."""
    with working_precision(dps):
        return loss.dphi(ARB.const(x), ARB).overlaps(loss.dphi_balls(ARB.const(x), ARB))


def _derivative_of_phi(loss, x, dps):
    """``(phi'(x), dphi(x))`` as balls: ``phi'`` from ``phi`` itself, by its jet ``[x, 1]`` in ball arithmetic (the flows
    integrate ``dphi``; nothing else ties it to ``phi`` for parameters other than the flows' own)."""
    with working_precision(dps):
        tape = ArbTape(1)
        tape.outputs.append(loss.phi(tape.vars[0], tape))
        derivative = tape.field_series([[ARB.const(x), ARB.const(1)]], 2)[0][1]
        return derivative, loss.dphi(ARB.const(x), ARB)


def check(config=CheckConfig(), c_shift=0):
    """(3.9) per loss of the table's grid; ``c_shift < 0`` (a smaller constant) is a false variant."""
    c_shift = to_rational(c_shift, "c_shift", floats=True)
    rng = random.Random(config.seed)
    slack, count, losses = None, 0, grid_losses()
    per_loss, dims, largest, extremes = {}, set(), Fraction(0), set()
    for loss in losses:
        for x in DERIVATIVE_POINTS:
            if not _consistent(loss, x, DIGITS[0]):
                return Evidence(False, "certified", "the losses' excess forms", count, counterexample={
                    "loss": loss.label(), "r": show(x), "problem": "excess_of(r) differs from phi(r) + c1 - |r|"})
            if not _same_derivative(loss, x, DIGITS[0]):
                return Evidence(False, "certified", "the losses' derivative forms", count, counterexample={
                    "loss": loss.label(), "r": show(x), "problem": "dphi_balls(r) (the certified engine's) differs from dphi(r)"})
            derivative, dphi = _derivative_of_phi(loss, x, DIGITS[0])
            if not derivative.overlaps(dphi):
                return Evidence(False, "certified", "the losses' derivative forms", count, counterexample={
                    "loss": loss.label(), "r": show(x), "phi'(r) (from phi)": show(derivative, 20), "dphi(r)": show(dphi, 20),
                    "problem": "dphi, which the flows integrate, is not the derivative of phi"})
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
    bad, stated = h_against_statement(_all_losses())
    if bad is not None:
        return Evidence(False, "certified", "h of (3.8) against RESULTS.md", count + stated, counterexample=bad)
    points = len(H_DN) * len(H_M) * len(H_POINTS)
    if stated < len(_all_losses()) * points:
        return Evidence(False, "certified", "a search smaller than its minimum", count + stated, counterexample={
            "search too small": f"h against RESULTS.md at {stated} points, minimum {points} per loss"})
    bad, matrices, per_matrix = h_on_matrices(config, _all_losses())
    if bad is not None:
        return Evidence(False, "certified", "(3.8) on residual matrices", count + matrices, counterexample=bad)
    if min(per_matrix.values(), default=0) < MIN_MATRICES:
        return Evidence(False, "certified", "a search smaller than its minimum", count + matrices,
                        counterexample={"search too small": f"(3.8): {per_matrix}, minimum {MIN_MATRICES} per loss"})
    names = sorted({l.name for l in losses})
    return Evidence(True, "certified",
                    f"{count} residual vectors (dN = {', '.join(map(str, sorted(dims)))}; random and extreme entries "
                    f"{', '.join(show_tolerance(q) if 0 < q < 1 else show(q) if q < 10**6 else f'1e{len(str(q)) - 1}' for q in sorted(extremes))}"
                    f" with both signs, largest |r_i| = {'1e' + str(len(str(int(largest))) - 1) if largest >= 10**6 else show(largest)}) "
                    f"for {len(losses)} losses of {len(names)} kinds ({', '.join(l.label() for l in losses)}), at least "
                    f"{min(per_loss.values())} each: loss(r) + c - ||r||_1 >= 0 decided in {DIGITS[0]}-digit balls "
                    f"(more digits where undecided) from each loss's stable excess form, itself checked against phi "
                    f"(and dphi, which the flows integrate, against phi's derivative in balls, and the certified engine's "
                    f"form of phi' against dphi, at r = {', '.join(show(x) for x in DERIVATIVE_POINTS)}); and (3.8), ||R||_1 <= h(L(R)), on "
                    f"{matrices} residual matrices (dN, m = 1..3; equal-sized entries from 0 to 1e6, where Hoelder is "
                    f"tight, and random) for all {len(per_matrix)} losses (the grid, lp and square), at least "
                    f"{min(per_matrix.values())} each, in balls, else exactly (l_p, square) or, for h = L + c m, by c = dN c1 "
                    f"(sympy) and the entries' excesses; every loss's h equal to RESULTS.md's, transcribed in the check, in balls at "
                    f"{stated} points (dN = {', '.join(map(str, H_DN))}; m = {', '.join(map(str, H_M))})",
                    count + matrices, worst_margin=f"smallest loss(r) + c - ||r||_1 = {slack:.6g}", details={"smallest slack": slack})
