"""How tight the paper's constants are: the largest ratios a seeded search finds, with exact witnesses.

Each search maximizes one ratio whose supremum the paper bounds:

=======  ===========================================================  =====================
lemma    ratio (largest found)                                        the paper's bound
=======  ===========================================================  =====================
``2.2``  ``|||p_1 ... p_N|||_1 / (|||p_1|||_1 ... |||p_N|||_1)``      1 (Lemma 2.2)
``2.3``  ``max |x| / A`` over the roots, ``A = n max|a_i|/|a_n|``     1 (Lemma 2.3)
``2.4``  ``max_i |||u_i|||_1 / (n T)``, ``T = max(|||p|||_1, 1)``         6 (Lemma 2.4)
``tau``  ``max_i ||w^(i)||^2 / tau(T, k_v, delta)`` along flows          1 (Lemma 3.5)
=======  ===========================================================  =====================

For Lemma 2.4 the factors ``u_i`` are the ones the proof builds (case 1, or
case 2 with the ``r`` roots of modulus at least one rescaled), from certified
roots in ball arithmetic (:func:`lcnsym.analysis.factorization.linear_factorization`);
a polynomial with a root whose ball straddles the unit circle is skipped, as
its classification (and so its ratio) is not decided.  For ``tau`` the
polynomial degree ``n`` is ``k_v - 1``: stride-one architectures of ``N``
(``factors``) layers with ``sum (k_i - 1) = n``, square loss, random rational
data; each flow is short (``t`` up to :data:`FLOW_T_MAX`) and every sampled
state, read as an exact point ``w``, is a witness (``T = ||pi(w)||_1`` exactly,
``tau`` exactly).

The search, for every degree from 1 to ``degree``: ``restarts`` random
starts (exact rationals), each followed by ``steps`` steps of a hill climb
that changes one coefficient by a random dyadic rational (for ``tau``: one
entry of the initialization, or a rebalancing ``w^(i) -> 2 w^(i)``,
``w^(j) -> w^(j) / 2`` that keeps ``pi(w)``) and keeps the change when the
ratio grows.  It is deterministic for a ``seed``, and a degree's search does
not depend on the other degrees searched.  Coefficients stay rational, so
every witness is exact; its ratio is certified: exact (a Fraction) for
Lemma 2.2, for ``tau`` and for Lemma 2.3 in degree 1, otherwise a python-flint
ball that contains the exact ratio of the witness.

Examples
--------
>>> r = tightness("2.4", 2, restarts=2, steps=5, seed=1)
>>> r.bound, float(r.ratio.mid()) < 6, len(r.witness)
(Fraction(6, 1), True, 3)
>>> sorted(r.by_degree)
[1, 2]

References
----------
Lemmas 2.2, 2.3, 2.4 (eq. (2.5)) and 3.5 of the paper; RESULTS.md, "Beyond the paper".
"""

import copy
from dataclasses import dataclass, field
from fractions import Fraction
import json
import random
import time

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import final_filter
from lcnsym.analysis.factorization import linear_factorization, root_bound
from lcnsym.analysis.roots import certified_roots, normalize_polynomial
from lcnsym.dynamics.bounds import balancedness, tau
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.errors import ConvergenceError, InputError, PrecisionError, WorkLimitError
from lcnsym.numeric import (DEFAULT_DPS, GUARD_DIGITS, abbreviate, check_dps, exact_value, parse_rational, show, show_ball,
                            to_arb, to_rational, working_precision)

__all__ = [
    "LEMMAS",
    "BOUNDS",
    "DEFAULT_EFFORT",
    "MAX_EVALUATIONS",
    "MAX_FLOWS",
    "MAX_DEGREE",
    "MAX_TAU_DEGREE",
    "MAX_FACTORS",
    "MAX_LAYERS",
    "FLOW_T_MAX",
    "FLOW_SAMPLES",
    "FLOW_MAX_STEPS",
    "TightnessReport",
    "tightness",
    "evaluate",
    "certified_text",
]

LEMMAS = ("2.2", "2.3", "2.4", "tau")
"""The lemmas whose constants are searched."""

BOUNDS = {"2.2": Fraction(1), "2.3": Fraction(1), "2.4": Fraction(6), "tau": Fraction(1)}
"""The paper's bound of each ratio."""

QUANTITIES = {
    "2.2": "|||p_1...p_N|||_1 / (|||p_1|||_1 ... |||p_N|||_1)",
    "2.3": "max |x| / A, A = n max_i |a_i| / |a_n|",
    "2.4": "max_i |||u_i|||_1 / (n T), T = max(|||p|||_1, 1)",
    "tau": "max_i ||w^(i)||^2 / tau(T, k_v, delta) along flows, T = ||pi(w)||_1",
}
REFERENCES = {"2.2": "Lemma 2.2", "2.3": "Lemma 2.3", "2.4": "Lemma 2.4", "tau": "Lemma 3.5"}

DEFAULT_EFFORT = {"2.2": (8, 30), "2.3": (6, 40), "2.4": (5, 40), "tau": (1, 1)}
"""``(restarts, steps)`` per degree when none are given: a few seconds up to degree 6."""

MAX_EVALUATIONS = 200_000
"""The most ratios ``restarts x (steps + 1) x degree`` a polynomial search (2.2, 2.3, 2.4) evaluates."""

MAX_FLOWS = 400
"""The most flows ``restarts x (steps + 1) x degree`` a ``tau`` search integrates."""

MAX_DEGREE = 60
"""The largest degree of a polynomial search."""

MAX_TAU_DEGREE = 8
"""The largest degree ``k_v - 1`` of a ``tau`` search (its flows must stay small)."""

MAX_FACTORS = 10
"""The most factors ``N`` of a Lemma 2.2 search."""

MAX_LAYERS = 4
"""The most layers ``N`` of a ``tau`` search."""

FLOW_T_MAX = Fraction(1, 4)
"""The end time of each flow of a ``tau`` search."""

FLOW_SAMPLES = 4
"""Sample times of each flow of a ``tau`` search (``t = 1/16, 1/8, 3/16, 1/4``), besides ``t = 0``."""

FLOW_MAX_STEPS = 400
"""Integrator steps a flow of a ``tau`` search may take; a flow that needs more is skipped (too stiff)."""

_LOSS = "square"


# ---------------------------------------------------------------- certified values


def certified_text(value, dps):
    """``{"mid", "rad", "exact"}`` of a certified ratio: a ball's midpoint (``dps`` digits) and radius, or an exact value.

    Examples
    --------
    >>> certified_text(Fraction(1, 3), 10)
    {'mid': '0.3333333333', 'rad': '0', 'exact': '1/3'}
    """
    if isinstance(value, Fraction):
        with working_precision(dps, guard=GUARD_DIGITS):
            mid = show(to_arb(value), dps)
        return {"mid": mid, "rad": "0", "exact": show(value)}
    out = show_ball(value, dps)
    return {"mid": out["mid"], "rad": out["rad"], "exact": None}


def _key(value):
    """The exact midpoint of a certified value: what the hill climb compares."""
    return value if isinstance(value, Fraction) else exact_value(value)


# ---------------------------------------------------------------- evaluators: exact candidate -> (certified ratio, details)


class _Skip(Exception):
    """A candidate whose ratio is not decided (a root on the unit circle, a stiff flow, an undecided ball)."""


def _ratio_2_2(factors, dps):
    product = [Fraction(1)]
    for p in factors:
        out = [Fraction(0)] * (len(product) + len(p) - 1)
        for i, a in enumerate(product):
            for j, b in enumerate(p):
                out[i + j] += a * b
        product = out
    denominator = Fraction(1)
    for p in factors:
        denominator *= sum(abs(c) for c in p)
    return sum(abs(c) for c in product) / denominator, {"product": [show(c) for c in product]}


def _ratio_2_3(coeffs, dps):
    poly = normalize_polynomial(coeffs)
    A = root_bound(poly)
    if poly.degree == 1:  # the root -a_0/a_1, exactly
        (a0, _), (a1, _) = poly.coeffs
        return abs(a0 / a1) / A, {"A": show(A)}
    roots = certified_roots(poly, dps + GUARD_DIGITS)
    with working_precision(dps, guard=GUARD_DIGITS):
        moduli = [abs(r.ball) for r in roots]
        largest = moduli[0]
        for m in moduli[1:]:
            largest = largest.max(m)
        return largest / to_arb(A), {"A": show(A)}


def _ratio_2_4(coeffs, dps):
    try:
        f = linear_factorization(coeffs, dps)
    except PrecisionError as exc:
        raise _Skip(str(exc)) from None
    if f.ambiguous:
        raise _Skip("a root's ball straddles the unit circle")
    with working_precision(prec=f.prec):
        ratio = f.ratio
    return ratio, {"case": f.case, "r": f.r, "T": show(f.T)}


def _tau_problem(k, seed):
    arch = Architecture.for_output_width(tuple(k), (1,) * len(k), dN=1)
    data, w0 = random_problem(arch, arch.d0 + 2, seed)
    return arch, data, w0


def _tau_at(arch, w):
    """``(max ||w^(i)||^2 / tau, figures)`` at an exact point ``w``."""
    T = sum(abs(c) for c in final_filter(arch, w))
    bound = tau(T, arch.k_v, balancedness(w))
    largest = max(sum(c * c for c in layer) for layer in w)
    return largest / bound, {"T": T, "tau": bound, "max_layer_norm_sq": largest}


def _ratio_tau(candidate, dps):
    arch, data, _ = _tau_problem(candidate["k"], candidate["data_seed"])
    w0 = candidate["w0"]
    try:
        traj = gradient_flow(arch, data, parse_loss(_LOSS), w0, t_max=FLOW_T_MAX, dps=dps, samples=FLOW_SAMPLES,
                             max_steps=FLOW_MAX_STEPS, on_interrupt="raise")
    except ConvergenceError as exc:
        raise _Skip(f"the flow needs more than {FLOW_MAX_STEPS} steps: {exc}") from None
    best = None
    for t, state in zip(traj.times, traj.states):
        w = [list(w0[i]) for i in range(len(w0))] if t == 0 else \
            [[to_rational(c, floats=True) for c in layer] for layer in state]
        ratio, figures = _tau_at(arch, w)
        if best is None or ratio > best[0]:
            best = (ratio, {**figures, "t": to_rational(t, floats=True), "w": w})
    ratio, figures = best
    return ratio, {"t": show(figures["t"]), "w": [[show(c) for c in layer] for layer in figures["w"]],
                   "T": show(figures["T"]), "tau": show(figures["tau"]),
                   "max_layer_norm_sq": show(figures["max_layer_norm_sq"]),
                   "deltas": [show(d) for d in balancedness(figures["w"])]}


_EVALUATORS = {"2.2": _ratio_2_2, "2.3": _ratio_2_3, "2.4": _ratio_2_4, "tau": _ratio_tau}


# ---------------------------------------------------------------- random starts and local moves


def _dyadic_step(rng, size):
    """A random nonzero dyadic rational of about ``size`` (a power of two) times ``2^-1 .. 2^-10``."""
    return Fraction(rng.choice((-1, 1)) * rng.randint(1, 8), 2 ** rng.randint(1, 10)) * size


def _scale_of(values):
    """The power of two at or below the largest ``|value|`` (1 for zeros)."""
    top = max((abs(v) for v in values), default=Fraction(0))
    if top == 0:
        return Fraction(1)
    e = top.numerator.bit_length() - top.denominator.bit_length()
    return Fraction(2) ** e


def _random_coeffs(rng, length, kind):
    cs = [Fraction(rng.randint(-20, 20), rng.randint(1, 8)) for _ in range(length)]
    if kind == 1:  # nonnegative
        cs = [abs(c) for c in cs]
    elif kind == 2:  # sparse
        cs = [c if rng.random() < 0.6 else Fraction(0) for c in cs]
    elif kind == 3:  # a small leading coefficient
        cs[-1] = Fraction(rng.choice((-1, 1)), rng.randint(2, 64))
    if kind == 4 or rng.random() < 0.3:  # near T = 1, where max(|||p|||_1, 1) bites
        cs = [c * Fraction(2) ** rng.randint(-6, 0) for c in cs]
    if cs[-1] == 0:
        cs[-1] = Fraction(1)
    return cs


def _composition(rng, total, parts, low):
    """``parts`` whole numbers ``>= low`` summing to ``total`` (uniform cuts)."""
    free = total - low * parts
    cuts = sorted(rng.randint(0, free) for _ in range(parts - 1))
    bounds = [0, *cuts, free]
    return [low + bounds[i + 1] - bounds[i] for i in range(parts)]


def _start(lemma, rng, degree, factors, restart):
    kind = restart % 5
    if lemma in ("2.3", "2.4"):
        return _random_coeffs(rng, degree + 1, kind)
    if lemma == "2.2":
        degrees = _composition(rng, degree, factors, 1 if degree >= factors else 0)
        return [_random_coeffs(rng, d + 1, kind) for d in degrees]
    k = [1 + part for part in _composition(rng, degree, factors, 0)]
    data_seed = rng.randint(0, 2**31)
    _, _, w0 = _tau_problem(k, data_seed)
    if len(k) >= 2 and kind >= 3:  # unbalanced: pi(w) unchanged, the deltas larger
        i, j = rng.sample(range(len(k)), 2)
        w0[i] = [c * 2 for c in w0[i]]
        w0[j] = [c / 2 for c in w0[j]]
    return {"k": k, "data_seed": data_seed, "w0": w0}


def _move(lemma, rng, candidate):
    """A neighbour: one coefficient changed by a dyadic rational (the leading one kept nonzero)."""
    if lemma in ("2.3", "2.4"):
        cs = list(candidate)
        i = rng.randrange(len(cs))
        cs[i] += _dyadic_step(rng, _scale_of(cs))
        return cs if cs[-1] != 0 else None
    if lemma == "2.2":
        fs = [list(p) for p in candidate]
        f = rng.randrange(len(fs))
        i = rng.randrange(len(fs[f]))
        fs[f][i] += _dyadic_step(rng, _scale_of(fs[f]))
        return fs if fs[f][-1] != 0 else None
    w0 = [list(w) for w in candidate["w0"]]
    if len(w0) >= 2 and rng.random() < 0.3:
        i, j = rng.sample(range(len(w0)), 2)
        w0[i] = [c * 2 for c in w0[i]]
        w0[j] = [c / 2 for c in w0[j]]
    else:
        layer = rng.randrange(len(w0))
        i = rng.randrange(len(w0[layer]))
        w0[layer][i] += _dyadic_step(rng, _scale_of(w0[layer]))
        if w0[layer][i] == 0:
            return None
    return {**candidate, "w0": w0}


def _witness(lemma, candidate):
    """The exact text of a candidate (what :func:`evaluate` reads back)."""
    if lemma in ("2.3", "2.4"):
        return [show(c) for c in candidate]
    if lemma == "2.2":
        return [[show(c) for c in p] for p in candidate]
    arch, data, _ = _tau_problem(candidate["k"], candidate["data_seed"])
    return {"k": list(arch.k), "s": list(arch.s), "d0": arch.d0, "dN": arch.dN, "loss": _LOSS,
            "data_seed": candidate["data_seed"],
            "X": [[show(c) for c in row] for row in data.X], "Y": [[show(c) for c in row] for row in data.Y],
            "w0": [[show(c) for c in w] for w in candidate["w0"]], "t_max": show(FLOW_T_MAX), "samples": FLOW_SAMPLES}


# ---------------------------------------------------------------- the report


@dataclass
class TightnessReport:
    """The largest ratio a search found, its exact witness, the paper's bound, the best by degree and the effort.

    Attributes
    ----------
    lemma : str
        ``"2.2"``, ``"2.3"``, ``"2.4"`` or ``"tau"``.
    degree : int
        The degree searched last (the headline); ``by_degree`` holds 1 to ``degree``.
    ratio : Fraction or flint.arb
        The certified largest ratio at ``degree``: exact, or a ball containing the witness's exact ratio.
    witness : list or dict
        Exact coefficient strings (2.3, 2.4), a list of factors' coefficient strings (2.2), or for ``tau``
        the flow's architecture, data and initialization, plus (in ``details``) the exact state ``w``.
    bound : Fraction
        The paper's bound of the ratio.
    by_degree : dict
        ``{n: {"best_ratio", "certified_ratio", "witness", "details", "evaluated", "skipped"}}``.
    effort : dict
        Instances evaluated, local steps tried and accepted, candidates skipped, restarts, seconds.
    details : dict
        What the evaluation of the witness found besides the ratio (Lemma 2.4's case and ``T``; ``tau``'s state).
    """

    lemma: str
    degree: int
    factors: int
    dps: int
    seed: int
    restarts: int
    steps: int
    ratio: object
    witness: object
    bound: Fraction
    by_degree: dict = field(default_factory=dict)
    effort: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    @property
    def best_ratio(self):
        """The largest ratio at ``degree`` as decimal text (``dps`` digits)."""
        return certified_text(self.ratio, self.dps)["mid"]

    @property
    def certified_ratio(self):
        """``{"mid", "rad", "exact"}`` of :attr:`ratio`."""
        return certified_text(self.ratio, self.dps)

    @property
    def within_bound(self):
        """Whether the certified ratio is at most the paper's bound (``None`` if the ball straddles it)."""
        if isinstance(self.ratio, Fraction):
            return self.ratio <= self.bound
        with working_precision(self.dps, guard=GUARD_DIGITS):
            b = to_arb(self.bound)
            return True if self.ratio <= b else False if self.ratio > b else None

    def as_dict(self):
        """A JSON-ready dict (numbers as text: exact values exactly, balls as midpoint and radius); a copy: editing it
        leaves the report as it is."""
        return copy.deepcopy({
            "lemma": self.lemma, "reference": REFERENCES[self.lemma], "quantity": QUANTITIES[self.lemma],
            "degree": self.degree, "factors": self.factors if self.lemma in ("2.2", "tau") else None,
            "dps": self.dps, "seed": self.seed, "restarts": self.restarts, "steps": self.steps,
            "best_ratio": self.best_ratio, "certified_ratio": self.certified_ratio,
            "bound": show(self.bound), "within_bound": self.within_bound,
            "witness": self.witness, "details": self.details,
            "by_degree": {str(n): entry for n, entry in sorted(self.by_degree.items())},
            "effort": self.effort,
        })

    def to_json(self):
        """:meth:`as_dict` as JSON text."""
        return json.dumps(self.as_dict(), indent=2)

    def __repr__(self):
        return (f"TightnessReport(lemma {self.lemma}, degree {self.degree}, best ratio {certified_text(self.ratio, 10)['mid']}, "
                f"bound {show(self.bound)}, {self.effort.get('instances', 0)} instances)")


# ---------------------------------------------------------------- the search


def _whole(value, what, low, high, hint=""):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{what} must be a whole number from {low} to {high}{hint}, got {abbreviate(value)}",
                         what=what, value=value)
    return value


def _check_lemma(lemma):
    text = str(lemma).strip().lower().removeprefix("lemma").strip(" -_") if isinstance(lemma, str) else lemma
    if text not in LEMMAS:
        raise InputError(f"lemma must be one of {', '.join(LEMMAS)}, got {abbreviate(lemma)}", what="lemma", value=lemma)
    return text


def _search_degree(lemma, n, factors, restarts, steps, seed, dps, tally):
    """The best ``(ratio, candidate, details)`` of one degree, or ``None`` if every candidate was skipped."""
    rng = random.Random(f"lcnsym-tightness:{lemma}:{n}:{factors}:{seed}")
    evaluate_one = _EVALUATORS[lemma]
    best = None
    evaluated = skipped = 0

    def value_of(candidate):
        nonlocal evaluated, skipped
        evaluated += 1
        try:
            return evaluate_one(candidate, dps)
        except _Skip:
            skipped += 1
            return None

    for restart in range(restarts):
        current = _start(lemma, rng, n, factors, restart)
        tally["restarts"] += 1
        found = value_of(current)
        tally["instances"] += 1
        for _ in range(steps):
            neighbour = _move(lemma, rng, current)
            tally["local_steps"] += 1
            if neighbour is None:
                continue
            value = value_of(neighbour)
            tally["instances"] += 1
            if value is not None and (found is None or _key(value[0]) > _key(found[0])):
                current, found = neighbour, value
                tally["accepted_steps"] += 1
        if found is not None and (best is None or _key(found[0]) > _key(best[0])):
            best = (found[0], current, found[1])
    tally["skipped"] += skipped
    return best, evaluated, skipped


def tightness(lemma, degree, *, restarts=None, steps=None, seed=0, dps=DEFAULT_DPS, factors=2):
    """Search for the largest ratio of a lemma's constant, in every degree from 1 to ``degree``.

    Parameters
    ----------
    lemma : {"2.2", "2.3", "2.4", "tau"}
        Which constant: submultiplicativity (Lemma 2.2), the root bound (Lemma 2.3), the ``6`` of Lemma 2.4, or
        ``tau`` of Lemma 3.5.
    degree : int
        The largest degree searched: of the polynomial (2.3, 2.4), of the product (2.2), or ``k_v - 1`` (``tau``).
    restarts, steps : int, optional
        Random starts per degree, and hill-climbing steps after each; :data:`DEFAULT_EFFORT` when not given.
    seed : int
        The search is a function of the seed.
    dps : int
        Digits of the certified balls (and of the flows' arithmetic for ``tau``).
    factors : int
        ``N``: the number of factors (2.2) or of layers (``tau``); ignored otherwise.

    Returns
    -------
    TightnessReport

    Raises
    ------
    InputError
        A lemma not in :data:`LEMMAS`, a degree, restarts, steps, factors or seed out of range (naming it).
    WorkLimitError
        If ``restarts x (steps + 1) x degree`` is above :data:`MAX_EVALUATIONS` (:data:`MAX_FLOWS` for ``tau``).

    Examples
    --------
    >>> r = tightness("2.2", 3, restarts=3, steps=4, factors=2)
    >>> r.ratio, r.bound, r.within_bound  # the equality case: nonnegative coefficients
    (Fraction(1, 1), Fraction(1, 1), True)
    >>> r = tightness("2.3", 1, restarts=2, steps=0)
    >>> r.ratio  # degree 1: |x| = A when |a_0| >= |a_1|
    Fraction(1, 1)
    >>> tightness("2.5", 3)
    Traceback (most recent call last):
    ...
    lcnsym.errors.InputError: lemma must be one of 2.2, 2.3, 2.4, tau, got '2.5'

    References
    ----------
    Lemmas 2.2, 2.3, 2.4 and 3.5.
    """
    lemma = _check_lemma(lemma)
    top = MAX_TAU_DEGREE if lemma == "tau" else MAX_DEGREE
    degree = _whole(degree, "degree", 1, top, f" for lemma {lemma}")
    default_restarts, default_steps = DEFAULT_EFFORT[lemma]
    restarts = _whole(default_restarts if restarts is None else restarts, "restarts", 1, 10**6)
    steps = _whole(default_steps if steps is None else steps, "steps", 0, 10**6)
    seed = _whole(seed, "seed", 0, 2**63 - 1)
    dps = check_dps(dps)
    if lemma in ("2.2", "tau"):
        factors = _whole(factors, "factors", 1 if lemma == "tau" else 2, MAX_FACTORS if lemma == "2.2" else MAX_LAYERS,
                         f" for lemma {lemma}")
    work, limit = restarts * (steps + 1) * degree, MAX_FLOWS if lemma == "tau" else MAX_EVALUATIONS
    if work > limit:
        unit = "flows" if lemma == "tau" else "ratio evaluations"
        raise WorkLimitError(f"restarts x (steps + 1) x degree = {restarts} x {steps + 1} x {degree} = {work} {unit}, "
                             f"above the limit {limit} for lemma {lemma}; lower restarts or steps (--restarts, --steps)",
                             what="restarts", value=restarts, work=work, limit=limit)
    tally = {"instances": 0, "local_steps": 0, "accepted_steps": 0, "skipped": 0, "restarts": 0}  # counted as they run
    by_degree, best = {}, None
    started = time.perf_counter()
    for n in range(1, degree + 1):
        found, evaluated, skipped = _search_degree(lemma, n, factors, restarts, steps, seed, dps, tally)
        entry = {"evaluated": evaluated, "skipped": skipped, "best_ratio": None, "certified_ratio": None,
                 "witness": None, "details": None}
        if found is not None:
            ratio, candidate, details = found
            text = certified_text(ratio, dps)
            entry.update(best_ratio=text["mid"], certified_ratio=text, witness=_witness(lemma, candidate), details=details)
            if n == degree:
                best = found
        by_degree[n] = entry
    seconds = time.perf_counter() - started
    if best is None:
        raise PrecisionError(f"every one of the {by_degree[degree]['evaluated']} candidates of degree {degree} was skipped "
                             f"(undecided); try another seed or more restarts", dps=dps, degree=degree)
    effort = {**tally, "restarts_per_degree": restarts, "steps_per_restart": steps,
              "degrees": [1, degree], "seconds": round(seconds, 3)}
    if lemma == "tau":
        effort["flows"] = tally["instances"]
    ratio, candidate, details = best
    return TightnessReport(lemma, degree, factors, dps, seed, restarts, steps, ratio, _witness(lemma, candidate),
                           BOUNDS[lemma], by_degree, effort, details)


def evaluate(lemma, witness, *, dps=DEFAULT_DPS):
    """The certified ratio of a witness read back from its exact text (as a report or its JSON gives it).

    For ``tau`` the witness's flow is integrated again from its initialization.

    Returns
    -------
    (Fraction or flint.arb, dict)
        The ratio and what its evaluation found (Lemma 2.4's case, ``tau``'s state).

    Examples
    --------
    >>> ratio, details = evaluate("2.4", ["6", "-5", "1"])  # (x - 2)(x - 3): case 2, T = 12
    >>> show(ratio, 8), details["case"], details["T"]
    ('0.15309311', 2, '12')
    >>> evaluate("2.2", [["1", "-1"], ["1", "1"]])[0]
    Fraction(1, 2)
    """
    lemma = _check_lemma(lemma)
    dps = check_dps(dps)
    if lemma in ("2.3", "2.4"):
        candidate = [parse_rational(c, f"witness a_{i}") for i, c in enumerate(witness)]
    elif lemma == "2.2":
        candidate = [[parse_rational(c, f"witness factor {f}") for c in p] for f, p in enumerate(witness, 1)]
    else:
        candidate = {"k": list(witness["k"]), "data_seed": witness["data_seed"],
                     "w0": [[parse_rational(c, "witness w0") for c in w] for w in witness["w0"]]}
    try:
        return _EVALUATORS[lemma](candidate, dps)
    except _Skip as exc:
        raise PrecisionError(f"the witness's ratio is not decided: {exc}", dps=dps) from None

