"""A validated engine: enclosures of the gradient flow's solution in ball arithmetic (python-flint ``arb``).

Each step of length ``h`` from the enclosure ``B(m, rho)`` (a Euclidean ball) proves:

1. *a priori enclosure*: a box ``E`` with ``X + [0, h] F(E)`` inside ``E``, ``X`` the box around
   ``B(m, rho)`` and ``F = -grad L`` evaluated on boxes; by Picard-Lindeloef every solution from
   ``X`` stays in ``E`` for ``[0, h]``;
2. *the step from the centre*: the Taylor polynomial of order ``K`` of the solution through
   ``m`` (its coefficients in balls, by the jet recurrences of the Taylor engine run on
   ``arb``), plus the Lagrange remainder ``|c_K(E)| h^K`` with ``c_K`` the ``K``-th Taylor
   coefficient evaluated on the box ``E`` (every point of the solution over the step is in ``E``);
3. *the spread of the ball*: two solutions in the convex ``E`` separate at most at the rate of
   the logarithmic norm ``mu = max lambda_max((J + J^T)/2)`` of the field's Jacobian over ``E``
   (for a gradient flow ``J = -Hess L``, so ``mu`` is minus the least curvature: balls shrink
   near a minimum); ``mu`` is certified by an interval ``LDL^T`` factorization of
   ``sigma I - (J + J^T)/2`` whose pivots are positive.

The new enclosure is ``B(m', rho e^{mu h} + ||rad||_2)`` with ``m'`` the midpoint of the step's
balls.

Where the field is a polynomial (the square loss, ``l_p`` for even ``p``), steps 1 and 2 take a
narrower route (:class:`_DefectProof`): the Taylor polynomial ``p`` through ``m`` comes from the
Taylor engine's floating point, read exactly; its defect ``F(p) - p'`` is enclosed in ball
polynomial arithmetic (python-flint ``arb_poly``: every coefficient a ball that holds the exact
one), and a tube around ``p([0, h])``, not a box as wide as the step around ``m``, is shown to hold
every solution, with ``mu`` certified on the tube, or on a wider box that holds it: where the flow
slows step by step, a box around the motion still to come serves many steps without a new Jacobian.
Then the solution through ``m`` has ``|w(h) - p(h)| <= |m - p(0)| e^{mu h} + sup |F(p) - p'|
(e^{mu h} - 1)/mu``, and the ball around it spreads by ``rho e^{mu h}`` as above.  No Taylor
coefficient is evaluated on a box, so no wrapping shortens the steps: on the benchmark flow to
``t = 20`` it takes a fifth of the remainder proof's steps, with narrower balls.  Step control keeps
the spread that ``mu``'s certification over the tube adds to the flow's own rate small
(:func:`_wrapping_excess`).

A flow that has come to rest (``||F(m)||`` within the remainders' budget per unit of time) steps to
the next sample time with the bound of step 1 alone: every solution at ``t + h`` lies in
``B(m, rho e^{mu h} + ||F(m)|| (e^{mu h} - 1)/mu)``, taken when that grows the radius by no more than
the budget (:func:`_rest_step`; on the benchmark flow to ``t = 20`` it halves the steps).  All of it
runs at ``dps + GUARD`` digits; every reported width is an upper bound.

References
----------
Moore (1966), Lohner (1987) for validated Taylor methods; Dahlquist (1958), Soederlind (2006)
for the logarithmic norm; Hairer, Norsett and Wanner, Solving ODEs I, Sect. I.10, for the bound of an
approximate solution by its defect and the logarithmic norm.  Theorems 3.4 and 3.8 of the paper (the flows it encloses).
"""

from fractions import Fraction
import time

import flint


from lcnsym.dynamics.engines import MAX_SECONDS, MAX_STEP_SECONDS, MAX_STEPS, Engine, FlowInterrupted
from lcnsym.dynamics.engines.taylor import SECONDS_PER_OPERATION, JetTape, _record_field, compiled_coefficients
from lcnsym.errors import ConvergenceError, LossDefinitionError, WorkLimitError
from lcnsym.numeric import (ARB, dps_to_prec, exact_value, make_ball, mantissa_exponent, rough_eigenvalues, show,
                            show_upper, to_arb, to_fmpq, to_mpfr, to_rational, working_precision)

__all__ = ["CertifiedEngine", "ArbTape", "Enclosure", "GUARD"]

GUARD = 10
"""Guard digits of the validated steps."""

CENTRE_GUARD = 4
"""Digits beyond the asked ones of the defect proof's Taylor polynomial (its rounding: 10 digits below the budget)."""

_APRIORI_TRIES = 6
WIDEN_BELOW = Fraction(99, 100)
"""The defect proof certifies ``mu`` on a box wider than the step's tube where the flow's speed falls by this factor or
more per step (:meth:`_DefectProof._log_norm_on`)."""
WIDEN_STEPS = 16
"""The steps of motion a wider box is made to hold, and the longest wait after a wider box that failed."""
MAX_RADIUS = Fraction(1, 100)
"""The widest enclosure, relative to ``1 + |w|``, the engine goes on with: beyond it the flow expands faster (a positive
logarithmic norm, e.g. through a non-convex stretch) than balls spread by the logarithmic norm can follow, and the
steps would shrink without end."""
REMAINDER_BITS = 64
"""Bits of the box evaluation of ``c_K`` (an upper bound: a few digits are enough, and they are cheaper)."""


_ZERO, _ONE = to_arb(0), to_arb(1)  # exact at any precision


class ArbTape(JetTape):
    """The Taylor engine's tape with python-flint balls as scalars: every coefficient is an enclosure."""

    name = "Taylor jets in balls"
    const = staticmethod(to_arb)
    fsum = staticmethod(lambda terms: sum(terms, _ZERO))
    scalar = ARB  # its tanh and sech bound a wide ball's value where arb's give nan
    derivative_form = "dphi_balls"


class Enclosure:
    """``w(t)`` lies in the Euclidean ball of radius ``radius`` around ``centre`` (exact python-flint numbers)."""

    __slots__ = ("t", "centre", "radius")

    def __init__(self, t, centre, radius):
        self.t, self.centre, self.radius = t, centre, radius

    def balls(self):
        """Per entry ``arb`` balls containing ``w(t)``'s entries."""
        return [make_ball(c, self.radius) for c in self.centre]

    def __repr__(self):
        return f"Enclosure(t = {show(self.t)}, radius <= {self.radius.str(3, radius=False)})"


def _box(centre, radius):
    return [make_ball(c, radius) for c in centre]


def _norm2_upper(values):
    """An upper bound of ``||values||_2`` (balls or exact numbers)."""
    total = to_arb(0)
    for x in values:
        x = to_arb(x)
        total += x * x  # not x ** 2: python-flint's power of a ball around 0 is nan
    return total.nonnegative_part().sqrt().upper()


def _rad_norm(balls):
    return _norm2_upper([b.rad() for b in balls])


def _field(tape, box):
    return [c[0] for c in tape.field_series([[x] for x in box], 1)]


def _a_priori(tape, centre, radius, h, guess):
    """``(E, mu, guess, reach, r)``: a box ``E`` holding every solution from ``B(centre, radius)`` over ``[0, h]``, a
    bound ``mu`` of the field's logarithmic norm on the wider box of radius ``r`` around ``centre`` (it holds ``E``),
    and ``reach``, a bound of ``|w(h) - centre|`` (the ball ``B(centre, reach)`` holds every solution at ``h``);
    ``None`` if not found (shorten the step).

    With ``e = w(t) - centre``: ``d|e|/dt <= |F(centre)| + mu |e|`` while ``w`` stays where ``mu`` holds, so
    ``|e(t)| <= radius e^{mu t} + |F(centre)| (e^{mu t} - 1)/mu``; if that stays below the ``r`` of the box ``Y``
    where ``mu`` was certified, no solution leaves it (a stiff flow's ``mu`` is small: long steps stay possible)."""
    f0 = _norm2_upper(_field(tape, [to_arb(c) for c in centre]))
    r = (to_arb(radius) + f0 * h * 2 + to_arb(2) ** -300).upper()
    for _ in range(_APRIORI_TRIES):
        mu, guess = _log_norm(_jacobian(tape, _box(centre, r)), guess)
        if mu is None:  # the field's derivatives are unbounded on the box: shorten the step
            return None
        growth = (mu * h).exp()
        spread = f0 * h if mu == 0 else f0 * (growth - 1) / mu
        reach = (to_arb(radius) * growth + spread).upper()
        if reach <= r:
            return _box(centre, reach), mu, guess, reach, r
        r = (reach * 2).upper()
    return None


def _at_rest(grad2, per_time):
    """Whether the next step tries :func:`_rest_step`: the field at the centre, ``||F||^2 = grad2``, is within the
    per-time budget (a flow that still moves would spend a priori enclosures on steps whose reach fails the budget)."""
    return grad2 <= per_time ** 2


def _rest_step(tape, centre, radius, h, guess, per_time):
    """A step of a flow at rest: the a priori enclosure alone, ``w(h)`` in ``B(centre, reach)`` (the centre does not
    move), taken when ``reach`` exceeds ``radius`` by at most ``per_time h`` (the budget a Taylor step's remainder has);
    ``(reach, guess, ||F(centre)||^2)`` or ``None``."""
    found = _a_priori(tape, centre, radius, h, guess)
    if found is None:
        return None
    _, _, guess, reach, _ = found
    if not reach - to_arb(radius) <= per_time * h:
        return None
    field = _field(tape, [to_arb(c) for c in centre])
    return reach, guess, sum((f * f for f in field), to_arb(0))


def _jacobian(tape, box):
    """The field's Jacobian over ``box`` (interval matrix, rows = outputs), column by column (directional series)."""
    n = len(box)
    cols = []
    for j in range(n):
        out = tape.field_series([[x, _ONE if i == j else _ZERO] for i, x in enumerate(box)], 2)
        cols.append([c[1] for c in out])
    return [[cols[j][i] for j in range(n)] for i in range(n)]


def _positive_definite(S):
    """Whether every symmetric matrix in the interval matrix ``S`` is positive definite (interval ``LDL^T``)."""
    n = len(S)
    A = [row[:] for row in S]
    for k in range(n):
        if not A[k][k] > 0:
            return False
        for i in range(k + 1, n):
            f = A[i][k] / A[k][k]
            for j in range(k + 1, n):
                A[i][j] = A[i][j] - f * A[k][j]
    return True


def _log_norm(J, guess=None):
    """An upper bound ``mu`` of ``lambda_max((J + J^T)/2)`` over the interval matrix ``J`` (certified by LDL^T), and the
    rough top eigenvalue used (``guess``: the last one, tried first; the eigenvalues move little from step to step)."""
    n = len(J)
    S = [[(J[i][j] + J[j][i]) / 2 for j in range(n)] for i in range(n)]
    if not all(x.is_finite() for row in S for x in row):
        return None, guess
    spread = _norm2_upper([S[i][j].rad() for i in range(n) for j in range(n)])
    values = rough_eigenvalues(S)
    top = values[-1]
    # the shifts scale with the box and the matrix, not only with top: near a critical point the rescalings' eigenvalues
    # are about 0, while the interval LDL^T needs room of the order of the entries' radii (and of the rough eigenvalues'
    # own error, 64 bits of the largest): shifts of |top| alone ended in Gershgorin's bound, hundreds of times too wide
    largest = max(abs(values[0]), abs(top))
    scale = to_arb(max(abs(top), largest * Fraction(1, 2**30), Fraction(1, 10**30))).max(spread)
    for step in range(40):
        sigma = (to_arb(top) + spread + scale * to_arb(2) ** (step - 30)).upper()
        if _positive_definite([[(sigma if i == j else 0) - S[i][j] for j in range(n)] for i in range(n)]):
            return sigma, top
    # Gershgorin: always a bound
    return max((S[i][i] + sum(abs(S[i][j]) for j in range(n) if j != i)).upper() for i in range(n)), None


def _step_length(norm, K, remaining):
    """The Taylor engine's step rule (Jorba and Zou), from ``norm(k)``, the largest ``|c_k|`` (an approximation)."""
    candidates = []
    for k in (K - 1, K):
        nk = norm(k)
        if nk.is_finite() and nk > 0:
            candidates.append((1 / nk) ** (to_arb(1) / k))
    if not candidates:
        return remaining
    rho = min(candidates)
    return min((rho / to_arb(2).exp()).mid(), remaining)


class ExactTape(JetTape):
    """The Taylor engine's tape with exact rational constants (python-flint ``fmpq``): what
    :meth:`~lcnsym.dynamics.engines.taylor.JetTape.field_polynomials` runs on."""

    name = "exact polynomials"
    const = staticmethod(to_fmpq)


def _exact_poly(coefficients, start):
    """The polynomial with the (finite) mpfr ``coefficients``, exactly, moved to take the value ``start`` (a ball's
    midpoint, exactly) at 0: their mantissas over one power of two (one conversion into FLINT, not one per coefficient)."""
    pairs = [mantissa_exponent(start)] + [x.as_mantissa_exp() for x in coefficients[1:]]
    low = min(min((e for m, e in pairs if m), default=0), 0)
    return flint.fmpq_poly([int(m << (e - low)) if m else 0 for m, e in pairs], int(1 << -low))


class _RemainderProof:
    """A step's proof for any field: the Taylor coefficients through the centre in balls, and the Lagrange remainder
    ``|c_K(E)| h^K`` with ``c_K`` evaluated on the a priori box ``E``."""

    # the a priori box's mu exceeded the flow's own rate 50 to 400 times on pseudo-Huber flows, whose balls then grew
    # past 10^-(dps-10) or stopped the engine: held to the wrapping rule (it costs these flows 2-3x)
    controls_wrapping = True

    def __init__(self, tape, K):
        self.tape, self.K = tape, K

    def expand(self, centre):
        """``(norm, ||F(centre)||^2)``: ``norm(k)`` the largest ``|c_k|`` (for the step rule)."""
        self.c = c = self.tape.coefficients([to_arb(x) for x in centre], self.K)
        return (lambda k: max(abs(ci[k].mid()) for ci in c)), sum((ci[1] * ci[1] for ci in c), to_arb(0))

    def step(self, centre, radius, h, guess):
        """``(bound, values, error, mu, guess)`` for a step of length ``h`` from ``B(centre, radius)``, or ``None`` (no
        a priori enclosure: shorten the step): ``values`` balls holding the solution through the centre at ``h``
        (remainder included, ``error = 0``), ``bound`` the remainder to compare with the budget, ``mu`` the logarithmic
        norm that spreads the ball."""
        found = _a_priori(self.tape, centre, radius, h, guess)
        if found is None:
            return None
        K, E, mu, guess = self.K, found[0], found[1], found[2]
        with working_precision(prec=REMAINDER_BITS):  # a bound of c_K on the box needs few digits
            tail = self.tape.coefficients(E, K)
        remainders = [abs(ci[K]).upper() * h ** K for ci in tail]
        values = []
        for ci, rem in zip(self.c, remainders):
            acc = ci[K - 1]
            for a in reversed(ci[:K - 1]):
                acc = acc * h + a
            values.append(acc + make_ball(0, rem))
        return max(remainders), values, _ZERO, mu, guess


class _DefectProof:
    """A step's proof for a polynomial field (the square loss, ``l_p`` with ``p`` even): the Taylor polynomial ``p`` of
    order ``K`` through the centre in the Taylor engine's floating point, read exactly, and the defect
    ``delta = F(p) - p'`` enclosed in ball polynomial arithmetic.  With ``e = w - p`` for a solution ``w`` from the ball, ``d|e|/dt <= |delta| + mu |e|`` while
    ``w`` and ``p`` stay in the box where ``mu`` bounds the logarithmic norm (the segment between them is in it), so
    ``|w(h) - p(h)| <= |e(0)| e^{mu h} + sup |delta| (e^{mu h} - 1)/mu``, with ``|e(0)| <= rho + |centre - p(0)|``.  No coefficient is evaluated on a box:
    the bound is as narrow as the flow's own Taylor series (the box's wrapping shortened the remainder's steps)."""

    controls_wrapping = True  # its steps are long enough for the tube's mu to outgrow the flow's (_wrapping_excess)

    def __init__(self, tape, record, K, dps, horizon=1):
        self.tape, self.K = tape, K
        # p need only be close: its defect is enclosed, so the compiled recurrences may give it, at CENTRE_GUARD digits
        # more than asked (its rounding then stays far below the remainders' budget of 10^-(dps-6) per unit of time;
        # at dps 30, the compiled recurrences' 128-bit floats)
        self.bits = dps_to_prec(dps + CENTRE_GUARD)
        # the defect is enclosed at as many bits, up to whole 64-bit limbs (FLINT's products cost by the limb: at dps 30,
        # 128 bits take two thirds of the working precision's 136); its rounding stays as far below the budget as p's
        self.defect_bits = -(-self.bits // 64) * 64
        self.certified_on, self.speeds = (None, None, None), (0, 0)  # the box of the last logarithmic norm; |F| by step
        self.tried = None  # the centre of the last step tried
        self.wait, self.backoff = 0, 1  # steps before the next wider box, and the wait after one that failed
        self.widened, self.tube_mu = False, -to_arb(10) ** 30  # the box is a wider one; the last tube's mu
        # a wider box's mu may exceed the flow's own rate by 3/4 of what step control allows over the horizon
        self.slack = to_arb(10).log() / to_arb(horizon) * to_arb(Fraction(3, 4))
        with working_precision(prec=self.bits):
            self.jets = record()
            self.coefficients = compiled_coefficients(self.jets) or self.jets.coefficients

    def expand(self, centre):
        with working_precision(prec=self.bits):
            c = self.coefficients([to_mpfr(exact_value(x)) for x in centre], self.K)
        try:
            # p(0) is the centre itself (any p will do: its defect is enclosed), so the ball's start is its own radius
            self.polys = [_exact_poly(ci, to_arb(x)) for ci, x in zip(c, centre)]
        except (ValueError, OverflowError):  # a coefficient overflowed: the field blows up here
            raise ConvergenceError("the Taylor coefficients through the centre overflowed: the field blows up") from None
        # the defect in ball polynomials on the tape of balls (inclusion-isotone: it holds the exact p's defect with the
        # exact constants), a third faster than exact rationals, whose every operation reduces fractions of hundreds of bits
        self.balls = [flint.arb_poly(p) for p in self.polys]
        with working_precision(prec=self.defect_bits):
            self.defects = [f - b.derivative() for f, b in zip(self.tape.field_polynomials(self.balls), self.balls)]
        self.start = _norm2_upper([to_arb(p[0]) - x for p, x in zip(self.polys, centre)])
        grad2 = sum((to_arb(p[1]) ** 2 for p in self.polys), to_arb(0))
        self.speeds = (self.speeds[-1], grad2.sqrt().mid())
        return (lambda k: to_arb(max(abs(p[k]) for p in self.polys))), grad2

    def _log_norm_on(self, centre, tube, guess, h):
        """``(mu, guess)`` on ``tube``: the bound certified on a box that holds it, if the last one does (a bound on a box
        holds on every part of it), else certified on the tube widened by where the flow goes next, where its speed
        falls step by step (a converging flow then stays in that box, and its steps skip the Jacobian)."""
        box, mu, top = self.certified_on
        retry = centre is self.tried  # the last bound was too loose for the step: this one is certified on the tube
        self.tried = centre
        if retry:
            if self.widened:
                self._back_off()
        elif box is not None and all(b.contains(x) for b, x in zip(box, tube)):
            return mu, top
        else:
            self.wait -= 1
            before, now = self.speeds
            ratio = to_arb(now) / before if before > 0 else _ONE
            if self.wait < 0 and ratio < to_arb(WIDEN_BELOW):
                # the motion of the next WIDEN_STEPS steps is about now * h * (ratio + ... + ratio^WIDEN_STEPS): twice that
                margin = (to_arb(now) * h * ratio * (1 - ratio ** WIDEN_STEPS) / (1 - ratio) * 2).upper()
                box = [make_ball(x, margin) for x in tube]
                mu, top = _log_norm(_jacobian(self.tape, box), guess)
                # taken where it exceeds the flow's rate, or the last tube's bound, by at most the slack
                if mu is not None and top is not None and mu <= to_arb(top).max(self.tube_mu) + self.slack:
                    self.certified_on, self.widened, self.backoff = (box, mu, top), True, 1
                    return mu, top
                self._back_off()
        mu, top = _log_norm(_jacobian(self.tape, tube), guess)
        self.certified_on, self.widened = ((tube if mu is not None else None), mu, top), False
        if mu is not None:
            self.tube_mu = mu
        return mu, top

    def _back_off(self):
        """The field bends within the wider boxes: certify on tubes for twice as many steps as the last wait (at most
        ``WIDEN_STEPS``: a flow that bends early may straighten later)."""
        self.backoff = min(self.backoff * 2, WIDEN_STEPS)
        self.wait = self.backoff

    def step(self, centre, radius, h, guess):
        """``(bound, values, error, mu, guess)`` as :meth:`_RemainderProof.step`, or ``None``.

        No a priori box around the centre: the tube ``T``, the hull of ``p([0, h])`` widened by ``d`` in every entry, is
        proved to hold every solution from ``B(centre, radius)``: while one is in ``T`` its distance to ``p`` is at most
        ``(radius + |e(0)|) max(1, e^{mu h}) + sup |delta| (e^{mu h} - 1)/mu < d`` (``mu`` certified on ``T``), so it
        cannot reach ``T``'s boundary.  The tube follows the motion, so ``mu`` is that of the flow's path, not of a cube
        around the centre as wide as the whole step (which grew ``mu``, and the balls, with the step)."""
        span = make_ball(h / 2, h / 2)  # [0, h]
        ranges = [p(span) for p in self.balls]
        defect = _norm2_upper([d(span) for d in self.defects])  # sup over [0, h] of ||F(p) - p'||_2
        spread0 = to_arb(radius) + self.start
        d = (spread0 * 2 + defect * h * 2 + to_arb(2) ** -300).upper()
        last = self.certified_on[1]
        if last is not None:  # what the last mu would need, twice: d is far below the tube's width, so this costs nothing
            d = d.max(_tube_need(spread0, defect, last, h) * 2).upper()
        for _ in range(_APRIORI_TRIES):
            tube = [make_ball(x, d) for x in ranges]
            mu, guess = self._log_norm_on(centre, tube, guess, h)
            if mu is None:  # the field's derivatives are unbounded on the tube: shorten the step
                return None
            growth, spread = _growth_and_spread(mu, h)
            need = _tube_need(spread0, defect, mu, h)
            if need < d:
                error = (self.start * growth + defect * spread).upper()
                return (defect * spread).upper(), [p(h) for p in self.balls], error, mu, guess
            d = (need * 2).upper()
        return None


def _growth_and_spread(mu, h):
    """``(e^{mu h}, (e^{mu h} - 1)/mu)`` as balls (``h`` where ``mu = 0``)."""
    growth = (mu * h).exp()
    return growth, (h if mu == 0 else (growth - 1) / mu)


def _tube_need(spread0, defect, mu, h):
    """The upper bound of ``spread0 max(1, e^{mu h}) + defect (e^{mu h} - 1)/mu``: how far from ``p`` a solution
    starting within ``spread0`` of ``p(0)`` can get over ``[0, h]`` while it is in the tube.  The bound is over the
    whole step, not at its end: with ``mu < 0`` the distance at ``t = 0`` is already ``spread0``, more than
    ``spread0 e^{mu h}``."""
    growth, spread = _growth_and_spread(mu, h)
    return (spread0 * growth.max(to_arb(1)) + defect * spread).upper()


def _next_radius(radius, mu, h, error, values):
    """The radius after a step: ``radius e^{mu h} + error + ||rad(values)||_2``, every term at its upper end (``mu`` a
    ball; ``e^{mu h}`` below 1 near a minimum, where the ball shrinks)."""
    growth = (mu * h).exp().upper()
    return (to_arb(radius) * growth + error + _rad_norm(values)).upper()


def _wrapping_excess(radius, mu, top, h, per_time, t_end):
    """How far the ball's spread over a step exceeds what step control allows, as a ratio (below 1: allowed).

    The spread ``radius e^{mu h}`` uses ``mu`` certified over the whole step's box or tube, which grows with the step
    (a tube as wide as the motion bounds the Jacobian loosely); ``top``, the top eigenvalue at its midpoint, is the
    flow's own rate there.  The excess ``radius (e^{mu h} - e^{top h})`` is allowed up to the remainders' budget
    ``per_time h`` or a growth of the ball by a factor 10 over the whole flow to ``t_end``, whichever is larger.
    Step control only (``top`` is not certified): the enclosure uses ``mu``."""
    if top is None or radius == 0 or not mu > to_arb(top):
        return to_arb(0)
    # e^a - e^b as e^b (e^(a-b) - 1) and expm1: at steps of 1e-30 the plain differences cancelled to balls around 0,
    # whose ratio was nan (neither allowed nor refused: the step shrank to nothing)
    excess = to_arb(radius) * (to_arb(top) * h).exp() * ((mu - to_arb(top)) * h).expm1()
    allowed = (per_time * h).max(to_arb(radius) * (to_arb(10).log() * h / to_arb(t_end)).expm1())
    return (excess / allowed).mid()


def _approx(q):
    """A step's exact time or length in a message: 6 digits (its exact rational has hundreds)."""
    return show(to_arb(q), 6)


def _proof(problem, n, tape, K, dps, horizon=1):
    """The defect proof where the field is a polynomial (its tape runs on exact polynomials), else the remainder proof."""
    try:
        exact = _record_field(problem, n, ExactTape)
    except (LossDefinitionError, TypeError, ValueError, ZeroDivisionError):  # a loss not written for exact constants
        return _RemainderProof(tape, K)
    one = flint.fmpq_poly([1])
    if exact.field_polynomials([one] * n) is None:
        return _RemainderProof(tape, K)
    return _DefectProof(tape, lambda: _record_field(problem, n), K, dps, horizon)


class CertifiedEngine(Engine):
    """Validated Taylor steps in balls (see the module docstring); ``enclosures`` holds the last run's enclosures."""

    name = "certified"
    summary = "validated Taylor steps in python-flint balls: rigorous enclosures of w(t) (slower)"

    def __init__(self):
        self.enclosures = []

    def integrate(self, problem, w0, sample_times, on_sample, *, dps, max_steps=MAX_STEPS, max_step_seconds=MAX_STEP_SECONDS,
                  max_seconds=MAX_SECONDS, stop_below=None, order=None, on_step=None):
        """Integrate with enclosures; ``on_sample(t, midpoints)`` at every sample time (steps end there).

        Raises
        ------
        ConvergenceError
            If no a priori enclosure is found even for a step shortened 40 times, or after ``max_steps`` steps.
        WorkLimitError
            Beyond ``max_seconds`` of wall time.
        """
        self.enclosures = []
        with working_precision(dps, guard=GUARD):
            tape = _record_field(problem, len(w0), ArbTape)
            K = order or dps + 2
            proof = _proof(problem, len(w0), tape, K, dps, sample_times[-1])
            seconds = tape.step_operations(K) * SECONDS_PER_OPERATION * (1 + dps / 100) * 6
            if max_step_seconds is not None and seconds > max_step_seconds:
                raise WorkLimitError(f"one validated step at {dps} digits would take about {seconds:.3g} s; lower --dps, or "
                                     f"raise the limit with max_step_seconds", seconds=seconds, limit=max_step_seconds)
            start = [to_arb(x) for x in w0]
            centre, radius = [x.mid() for x in start], _rad_norm(start)
            t = to_arb(0)
            self.enclosures.append(Enclosure(to_rational(0), centre, radius))
            last = {"t": 0, "state": [to_mpfr(exact_value(c)) for c in centre]}
            try:
                return self._run(tape, proof, K, centre, radius, sample_times, on_sample, dps, max_steps, max_seconds,
                                 stop_below, last, on_step)
            except KeyboardInterrupt:
                raise FlowInterrupted(last["t"], list(last["state"])) from None

    def _run(self, tape, proof, K, centre, radius, sample_times, on_sample, dps, max_steps, max_seconds, stop_below, last, on_step=None):
        per_time = to_arb(10) ** -(dps - 6)  # remainders add up to 10^-(dps-6) per unit of time, far below 10^-(dps-10) at t = 20
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        t_exact = to_rational(0)
        steps, si, next_look = 0, 0, 1
        h_last, guess, resting = None, None, False
        while si < len(sample_times):
            target = sample_times[si]
            rest = _rest_step(tape, centre, radius, to_arb(target - t_exact), guess, per_time) if resting else None
            if rest is not None:  # the flow is at rest: its a priori enclosure alone reaches the next sample time
                radius, guess, grad2 = rest
                h_exact = target - t_exact
            else:
                norms, grad2 = proof.expand(centre)
                h = _step_length(norms, K, to_arb(sample_times[-1] - t_exact).mid())  # uncapped by the next sample time
                if h_last is not None:  # the step the last remainder bound allowed: a failed bound costs a retry
                    h = min(h, h_last.mid())
                for _ in range(40):
                    h_exact = min(to_rational(exact_value(h)), target - t_exact)
                    if target - t_exact - h_exact < (target - t_exact) / 1000:  # no sliver left before a sample time
                        h_exact = target - t_exact
                    h_arb = to_arb(h_exact)
                    proved = proof.step(centre, radius, h_arb, guess)
                    if proved is not None:
                        bound, values, error, mu, guess = proved
                        wrapped = _wrapping_excess(radius, mu, guess, h_arb, per_time, sample_times[-1]) \
                            if proof.controls_wrapping else to_arb(0)
                        if wrapped < 1 and bound <= per_time * h_arb:
                            break
                        if wrapped >= 1:  # the ball would grow by the tube's width, not by the flow: a shorter tube
                            h = (h * (1 / wrapped).max(to_arb(Fraction(1, 10))).min(to_arb(Fraction(9, 10)))).mid()
                            continue
                        if not bound.is_finite():  # the box's coefficients blew up (a function near its singularity)
                            h = (h * to_arb(Fraction(1, 4))).mid()
                            continue
                        # the bound scales about as h^(K-1): aim just below it (the box shrinks with h too)
                        shrink = (per_time * h_arb / bound) ** (to_arb(1) / (K - 1)) * to_arb(Fraction(9, 10))
                        h = (h * shrink.min(to_arb(Fraction(9, 10)))).mid()
                        continue
                    h = (h * to_arb(Fraction(1, 2))).mid()
                else:
                    raise ConvergenceError(f"no validated step at t = {_approx(t_exact)}: the a priori enclosure or the "
                                           f"remainder bound failed for steps down to {_approx(h_exact)}", t=t_exact, steps=steps,
                                           dps=dps)
                # the bound scales about as h^(K-1): the next step aims at 95% of the room this one left, growing by 5/4 at most
                room = (per_time * h_arb / bound) ** (to_arb(1) / (K - 1)) if bound > 0 else to_arb(2)
                proposal = h_arb * (room * to_arb(Fraction(19, 20))).min(to_arb(Fraction(5, 4)))
                if wrapped > 0:  # the wrapping excess grows about as h^2 (mu's excess with the tube, times h): aim at 9/10
                    proposal = proposal.min(h_arb * (to_arb(Fraction(9, 10)) / wrapped).sqrt())
                if to_rational(exact_value(h)) <= target - t_exact:
                    h_last = proposal
                elif h_last is None or h_last < proposal:  # a step cut short at a sample time says little of the next
                    h_last = proposal
                radius = _next_radius(radius, mu, h_arb, error, values)
                centre = [v.mid() for v in values]
                if not (radius.is_finite() and all(x.is_finite() for x in centre)) or \
                        radius > to_arb(MAX_RADIUS) * (1 + _norm2_upper(centre)):  # nan compares false: test finiteness first
                    raise ConvergenceError(f"the enclosure's radius grew to {show_upper(radius)} by t = {_approx(t_exact + h_exact)} "
                                           f"(logarithmic norm up to {show_upper(mu)}): the flow expands faster than balls "
                                           f"of {dps} digits can follow (more digits start them narrower)", t=t_exact + h_exact,
                                           steps=steps, dps=dps, reason="expansion")
                resting = _at_rest(grad2, per_time)
            t_exact += h_exact
            steps += 1
            last["t"], last["state"] = t_exact, [to_mpfr(exact_value(x)) for x in centre]
            if on_step is not None:
                on_step(t_exact, steps, grad2)
            stop = False
            if t_exact == target:
                self.enclosures.append(Enclosure(t_exact, centre, radius))
                stop = on_sample(target, last["state"])
                si += 1
            elif stop_below is not None and steps >= next_look:
                if grad2 < to_arb(stop_below) ** 2 * 10**4:
                    self.enclosures.append(Enclosure(t_exact, centre, radius))
                    stop = on_sample(t_exact, last["state"])
                    next_look = 2 * steps
            if stop:
                return steps
            if deadline is not None and time.monotonic() > deadline:
                raise WorkLimitError(f"the certified engine ran past its wall-time limit max_seconds = {max_seconds} after "
                                     f"{steps} steps, at t = {_approx(t_exact)}",
                                     steps=steps, limit=max_seconds)
            if steps >= max_steps:
                raise ConvergenceError(f"the certified engine took {steps} steps and reached only t = {_approx(t_exact)}",
                                       steps=steps, dps=dps)
        return steps
