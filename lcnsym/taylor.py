"""A Taylor-series engine for the gradient flow: jet transport in gmpy2 at the working precision.

The vector field ``-grad L(w)`` is recorded once as a graph of elementary
operations (sums, products, quotients, square roots, exponentials) on
truncated power series; each step computes the Taylor coefficients of the
solution by the recurrences of those operations (as TaylorIntegration.jl
does), at the working precision, not by finite differences at a raised one.
The step follows Jorba and Zou, from the decay of the last two coefficients,
which also keeps the step inside the method's stability region on these stiff
problems (rounding excites the fast modes, whose coefficients then bound the
step); the order is ``dps + 2``.  Samples come from the Taylor
polynomial (dense output).
"""

from fractions import Fraction
import math

from operator import mul

import gmpy2
from gmpy2 import mpfr

from lcnsym.errors import ConvergenceError

__all__ = ["JetTape", "taylor_integrate"]


class _Node:
    __slots__ = ("tape", "c")

    def __init__(self, tape):
        self.tape = tape
        self.c = []
        tape.nodes.append(self)

    def _wrap(self, other):
        return other if isinstance(other, _Node) else None

    def __add__(self, other):
        o = self._wrap(other)
        return _Add(self.tape, self, o) if o is not None else _Shift(self.tape, self, mpfr(other))

    __radd__ = __add__

    def __sub__(self, other):
        o = self._wrap(other)
        return _Add(self.tape, self, _Scale(self.tape, o, mpfr(-1))) if o is not None else _Shift(self.tape, self, -mpfr(other))

    def __rsub__(self, other):
        return _Shift(self.tape, _Scale(self.tape, self, mpfr(-1)), mpfr(other))

    def __neg__(self):
        return _Scale(self.tape, self, mpfr(-1))

    def __mul__(self, other):
        o = self._wrap(other)
        return _Mul(self.tape, self, o) if o is not None else _Scale(self.tape, self, mpfr(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._wrap(other)
        return _Div(self.tape, self, o) if o is not None else _Scale(self.tape, self, 1 / mpfr(other))


class _Var(_Node):
    __slots__ = ()

    def step(self, k):  # coefficients are set by the integrator
        pass


class _Add(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.a.c[k] + self.b.c[k])


class _Scale(_Node):
    __slots__ = ("a", "s")

    def __init__(self, tape, a, s):
        self.a, self.s = a, s
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.s * self.a.c[k])


class _Shift(_Node):
    __slots__ = ("a", "s")

    def __init__(self, tape, a, s):
        self.a, self.s = a, s
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.a.c[k] + self.s if k == 0 else self.a.c[k])


class _LinComb(_Node):
    """``const + sum_i s_i a_i`` (one node for a whole sum: the sums of the risk are long)."""

    __slots__ = ("terms", "const", "refs")

    def __init__(self, tape, terms, const=0):
        self.terms = [(a, mpfr(s)) for a, s in terms]
        self.const = mpfr(const)
        self.refs = None
        super().__init__(tape)

    def step(self, k):
        if k == 0:
            self.refs = [(a.c, s) for a, s in self.terms]  # the inputs' coefficient lists of this step
            self.c.append(self.const + sum([s * c[0] for c, s in self.refs]))
        else:
            self.c.append(sum([s * c[k] for c, s in self.refs]))


class _Mul(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):
        a, b = self.a.c, self.b.c
        self.c.append(sum(map(mul, a[:k + 1], b[k::-1])) if k else a[0] * b[0])


class _Div(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):
        b, q = self.b.c, self.c
        acc = self.a.c[k] - sum(map(mul, b[1:k + 1], q[k - 1::-1])) if k else self.a.c[0]
        q.append(acc / b[0])


class _Sqrt(_Node):
    __slots__ = ("a",)

    def __init__(self, tape, a):
        self.a = a
        super().__init__(tape)

    def step(self, k):
        s = self.c
        if k == 0:
            s.append(gmpy2.sqrt(self.a.c[0]))
        else:
            s.append((self.a.c[k] - sum(map(mul, s[1:k], s[k - 1:0:-1]))) / (2 * s[0]))


class _Exp(_Node):
    __slots__ = ("a",)

    def __init__(self, tape, a):
        self.a = a
        super().__init__(tape)

    def step(self, k):
        e, a = self.c, self.a.c
        if k == 0:
            e.append(gmpy2.exp(a[0]))
        else:
            e.append(sum([i * a[i] * e[k - i] for i in range(1, k + 1)]) / k)


class JetTape:
    """The recorded vector field: variables, operations, outputs."""

    def __init__(self, n):
        self.nodes = []
        self.vars = [_Var(self) for _ in range(n)]
        self.outputs = []

    def sqrt(self, a):
        return _Sqrt(self, a)

    def lincomb(self, terms, const=0):
        return _LinComb(self, terms, const)

    def exp(self, a):
        return _Exp(self, a)

    def coefficients(self, state, order):
        """Taylor coefficients ``c_0..c_order`` of the solution through ``state``."""
        for node in self.nodes:
            node.c = []
        for v, x in zip(self.vars, state):
            v.c = [x]
        nodes = [n for n in self.nodes if not isinstance(n, _Var)]
        for k in range(order):
            for node in nodes:
                node.step(k)
            for v, f in zip(self.vars, self.outputs):
                v.c.append(f.c[k] / (k + 1))
        return [v.c for v in self.vars]


def _dphi(tape, loss, r):
    """``loss'(r)`` on a jet, per loss (the recurrences of Section 3's losses)."""
    name, params = loss.name, [mpfr(Fraction(p)) if not isinstance(p, int) else mpfr(p) for p in _exact_params(loss)]
    if name == "square":
        return 2 * r
    if name == "lp":
        out = r
        for _ in range(int(loss.params[0]) - 2):
            out = out * r
        return out
    if name == "pseudo-huber":
        d = params[0]
        return r / (d * tape.sqrt(1 + r * r / (d * d)))
    if name == "gen-huber":
        a, b = params
        e, f = tape.exp(a * r), tape.exp(-a * r)
        return (e - f) / (e + f + b)
    if name == "log-cosh":
        e = tape.exp(2 * params[0] * r)
        return (e - 1) / (e + 1)
    raise ConvergenceError(f"no Taylor recurrences for the loss {name!r}")


def _exact_params(loss):
    out = []
    for p in loss.params:
        if hasattr(p, "numerator"):
            out.append(Fraction(int(p.numerator), int(p.denominator)))
        else:  # mpmath numbers: their exact binary value
            from lcnsym.roots import mpf_to_fraction

            out.append(mpf_to_fraction(p))
    return out


def _record_field(arch, data, loss, n):
    from lcnsym.coefficients import final_filter_recursive
    from lcnsym.risk import layer_factor_products

    tape = JetTape(n)
    it = iter(tape.vars)
    filters = [[next(it) for _ in range(ki)] for ki in arch.k]
    v = final_filter_recursive(filters, arch.s)
    if loss.name == "square":  # dL/dv = A v - b with A = 2 sum x x^T, b = 2 sum y x (windows of the samples), exactly
        kv = len(v)
        A = [[Fraction(0)] * kv for _ in range(kv)]
        b = [Fraction(0)] * kv
        for j in range(data.m):
            for r in range(arch.dN):
                x = [data.X[r * arch.s_v + m][j] for m in range(kv)]
                for m in range(kv):
                    b[m] += 2 * data.Y[r][j] * x[m]
                    for q in range(kv):
                        A[m][q] += 2 * x[m] * x[q]
        G = [tape.lincomb([(v[q], A[m][q]) for q in range(kv) if A[m][q]], -b[m]) for m in range(kv)]
    else:
        X = [[mpfr(q) for q in row] for row in data.X]
        Y = [[mpfr(q) for q in row] for row in data.Y]
        G = [[] for _ in v]  # dL/dv_m = sum_{j,r} loss'(z_jr - y_jr) x_j[r s_v + m]
        for j in range(data.m):
            for r in range(arch.dN):
                base = r * arch.s_v
                d = _dphi(tape, loss, tape.lincomb([(v[m], X[base + m][j]) for m in range(len(v))], -Y[r][j]))
                for m in range(len(v)):
                    G[m].append((d, X[base + m][j]))
        G = [tape.lincomb(terms) for terms in G]
    for w, Q, step in zip(filters, layer_factor_products(arch, filters), arch.stride_products):
        for j in range(len(w)):
            tape.outputs.append(tape.lincomb([(G[j * step + l] * Q[l], -1) for l in range(len(Q))]))
    return tape


def taylor_integrate(arch, data, loss, w0, t_max, dps, sample_times, on_sample, order=None):
    """Integrate from ``w0`` (mpfr state) and call ``on_sample(t, state)`` at each sample time (dense output).

    ``on_sample`` may return ``True`` to stop.  Works in gmpy2's context at
    ``3.33 dps + 20`` bits (restored afterwards).
    """
    bits = int(dps * 3.33) + 20
    with gmpy2.context(gmpy2.get_context(), precision=bits):
        n = len(w0)
        tape = _record_field(arch, data, loss, n)
        K = order or dps + 2  # truncation ~ 10^-(dps-2) per step; the step is held by stability on stiff flows
        t, state = mpfr(0), [mpfr(x) for x in w0]
        samples = [mpfr(s) for s in sample_times]
        si = 0
        t_end = mpfr(t_max)
        steps = 0
        while si < len(samples):
            c = tape.coefficients(state, K)
            norm = lambda k: max(abs(ci[k]) for ci in c)
            rho = min((1 / norm(K - 1)) ** (mpfr(1) / (K - 1)) if norm(K - 1) else gmpy2.inf(),
                      (1 / norm(K)) ** (mpfr(1) / K) if norm(K) else gmpy2.inf())
            if not gmpy2.is_finite(rho):
                rho = t_end - t
            h = rho / gmpy2.exp(2) * gmpy2.exp(mpfr(-0.7) / (K - 1))
            h = min(h, t_end - t)
            if not h > 0:
                raise ConvergenceError(f"the Taylor step collapsed at t = {float(t):.6g}")
            while si < len(samples) and samples[si] <= t + h:
                tau = samples[si] - t
                point = [_horner(ci, tau) for ci in c]
                if on_sample(samples[si], point):
                    return steps
                si += 1
            state = [_horner(ci, h) for ci in c]
            t += h
            steps += 1
        return steps


def _horner(coeffs, x):
    acc = coeffs[-1]
    for a in reversed(coeffs[:-1]):
        acc = acc * x + a
    return acc
