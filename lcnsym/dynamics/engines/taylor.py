"""A Taylor-series engine for the gradient flow: jet transport in gmpy2 at the working precision.

The vector field ``-grad L(w)`` is recorded once as a graph of elementary
operations (sums, products, quotients, square roots, exponentials,
logarithms) on truncated power series, a sum of products as one node and the
zeros of stride substitution as none; each step computes the Taylor
coefficients of the solution by the recurrences of those operations (as
TaylorIntegration.jl does), at the working precision, not by finite
differences at a raised one.  The loss enters through its own ``dphi(r, F)``
with the tape as ``F``, so any loss written with ``F``'s operations runs here.
The step follows Jorba and Zou, from the decay of the last two coefficients,
which also keeps the step inside the method's stability region on these stiff
problems (rounding excites the fast modes, whose coefficients then bound the
step).  The accuracy is that of order ``K = dps + 2`` with their step (last
term about ``e^(-2K)``); the order itself is chosen per step, the one of least
work per unit of ``t`` for that accuracy (:func:`_cheapest_order`): on the flat,
stiff stretches of a flow, where stability rather than the dynamics holds the
step, a low order with its shorter step costs a fraction of order ``K``.
Samples come from the Taylor polynomial (dense output).

The recurrences run in C where a C compiler is found (:func:`compiled_coefficients`, built once per machine against
gmpy2's own MPFR by :mod:`lcnsym.dynamics.engines._compiled`): the same recurrences on the same tape.  Up to 120 bits
(``dps`` 30 with the guard digits) they compute with 128-bit floats of their own (each sum of products accumulated
exactly and rounded once: more accurate than MPFR there, and five times faster), shared level by level between the
process's cores on a large field; above, with MPFR, three to four times faster than the Python tape, its sums rounded
term by term.  Either agrees with the Python tape to a few units of the working precision's last place, and errs as
little against a reference at twice the digits; the step control, the samples and everything else stay here.
``LCNSYM_JETS=mpfr`` keeps them on MPFR; ``LCNSYM_JETS=python``, or ``compiled=False``, runs the Python tape.
"""

from fractions import Fraction
from itertools import chain, islice
from operator import itemgetter, mul
import time

import gmpy2
from gmpy2 import fsum  # one C loop and one rounding: twice as fast as sum() over mpfr products

from lcnsym.algebra.coefficients import filter_gradients, final_filter_partials
from lcnsym.dynamics.engines import MAX_SECONDS, MAX_STEP_SECONDS, MAX_STEPS, Engine, FlowInterrupted
from lcnsym.dynamics.engines._compiled import jets_arithmetic, jets_module, jets_status, jets_threads
from lcnsym.dynamics.risk import normal_equations
from lcnsym.errors import ConvergenceError, LossDefinitionError, WorkLimitError
from lcnsym.numeric import MPFR, abbreviate, show, to_mpfr, to_rational, working_precision

__all__ = ["JetTape", "TaylorEngine", "GUARD", "field_at"]

GUARD = 5
"""Guard digits of the jets: the order ``dps + 2`` already bounds the truncation."""

MIN_ORDER = 6
"""The lowest order :func:`_cheapest_order` considers (on stiff stretches the cheapest per unit of ``t`` is often near
it); a step computes :data:`ORDER_PROBE` orders more, so no step takes less than ``MIN_ORDER + ORDER_PROBE``."""

ORDER_PROBE = 2
"""Orders computed beyond the cheapest one, so that the next step can see whether a higher one pays."""

MIN_STEP_DIGITS = 20
"""A step shorter than ``10^-20`` of the interval has collapsed (a field that blows up): a :class:`ConvergenceError`."""

SECONDS_PER_OPERATION = 3.5e-7
"""About the time of one mpfr multiply-add in the jets' recurrences at 30 digits (for the estimate of a step's cost)."""

_MINUS_ONE, _ZERO, _ONE = to_mpfr(-1), to_mpfr(0), to_mpfr(1)  # exact at any precision


class _Node:
    __slots__ = ("tape", "c")

    def __init__(self, tape):
        self.tape = tape
        self.c = []
        tape.nodes.append(self)

    @property
    def __lcnsym_ops__(self):  # numeric.ops_for: a jet's arithmetic is its tape's
        return self.tape

    def _wrap(self, other):
        return other if isinstance(other, _Node) else None

    def __add__(self, other):
        o = self._wrap(other)
        if o is None:
            return _Shift(self.tape, self, self.tape.const(other))
        if o is self.tape.zero or self is self.tape.zero:
            return o if self is self.tape.zero else self
        if _products(self) and _products(o):  # a sum of products (the final filter's, and Q's): one series dot
            return _SeriesDot(self.tape, _products(self) + _products(o))
        return _Add(self.tape, self, o)

    __radd__ = __add__

    def __sub__(self, other):
        o = self._wrap(other)
        if o is self.tape.zero:
            return self
        minus = self.tape.const(-1)
        return _Add(self.tape, self, _Scale(self.tape, o, minus)) if o is not None else _Shift(self.tape, self, -self.tape.const(other))

    def __rsub__(self, other):
        return _Shift(self.tape, _Scale(self.tape, self, self.tape.const(-1)), self.tape.const(other))

    def __neg__(self):
        return _Scale(self.tape, self, self.tape.const(-1))

    def __mul__(self, other):
        o = self._wrap(other)
        zero = self.tape.zero
        if o is None:  # times 0 is the tape's zero, times 1 the jet itself (a loss's delta = 1 costs no node)
            return zero if other == 0 else self if other == 1 else _Scale(self.tape, self, self.tape.const(other))
        if self is zero or o is zero:  # the gaps of stride substitution: no products with a series known to vanish
            return zero
        return _Square(self.tape, self) if o is self else _Mul(self.tape, self, o)

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._wrap(other)
        if o is None:
            return self if other == 1 else _Scale(self.tape, self, 1 / self.tape.const(other))
        return _Div(self.tape, self, o)

    def __rtruediv__(self, other):
        return _Div(self.tape, _Shift(self.tape, _Scale(self.tape, self, self.tape.const(0)), self.tape.const(other)), self)

    def __pow__(self, n):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise LossDefinitionError(f"a jet can be raised to whole powers only, not {abbreviate(n)}")
        out, base = None, self
        while n:
            if n & 1:
                out = base if out is None else out * base
            n >>= 1
            if n:
                base = base * base
        return out if out is not None else _Shift(self.tape, _Scale(self.tape, self, self.tape.const(0)), self.tape.const(1))


class _Var(_Node):
    __slots__ = ()

    def step(self, k):  # coefficients are set by the integrator
        pass


class _Zero(_Node):
    """The series ``0`` (one per tape): what a jet times ``0`` is, so that the zeros stride substitution puts into the
    filters' polynomials cost no products (it compares equal to ``0``, as :func:`~lcnsym.algebra.coefficients.convolve`
    asks of a coefficient it may skip)."""

    __slots__ = ()

    def step(self, k):
        self.c.append(self.tape.const(0))

    def __eq__(self, other):
        return other is self or (not isinstance(other, _Node) and other == 0)

    __hash__ = _Node.__hash__


class _Add(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.a.c[k] + self.b.c[k])

    def poly(self, value):
        return value[id(self.a)] + value[id(self.b)]


class _Scale(_Node):
    __slots__ = ("a", "s")

    def __init__(self, tape, a, s):
        self.a, self.s = a, s
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.s * self.a.c[k])

    def poly(self, value):
        return self.s * value[id(self.a)]


class _Shift(_Node):
    __slots__ = ("a", "s")

    def __init__(self, tape, a, s):
        self.a, self.s = a, s
        super().__init__(tape)

    def step(self, k):
        self.c.append(self.a.c[k] + self.s if k == 0 else self.a.c[k])

    def poly(self, value):
        return value[id(self.a)] + self.s


class _LinComb(_Node):
    """``const + sum_i s_i a_i`` (one node for a whole sum: the sums of the risk are long)."""

    __slots__ = ("terms", "const", "scales", "refs")

    def __init__(self, tape, terms, const=0):
        self.terms = [(a, tape.const(s)) for a, s in terms]
        self.const = tape.const(const)
        self.scales = [s for _, s in self.terms]
        self.refs = None
        super().__init__(tape)

    def step(self, k):
        if k == 0:
            self.refs = [a.c for a, _ in self.terms]  # the inputs' coefficient lists of this step
            self.c.append(self.const + self.tape.fsum(map(mul, self.scales, map(itemgetter(0), self.refs))))
        else:  # the loops in C (map, itemgetter): the sums of the risk are long
            self.c.append(self.tape.fsum(map(mul, self.scales, map(itemgetter(k), self.refs))))

    def poly(self, value):
        total = value[id(self.tape.zero)] + self.const
        for a, s in self.terms:
            total += s * value[id(a)]
        return total


class _Mul(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):  # a, b hold k + 1 coefficients at step k (see JetTape.coefficients)
        a, b = self.a.c, self.b.c
        self.c.append(self.tape.fsum(map(mul, a, reversed(b))) if k else a[0] * b[0])

    def poly(self, value):
        return value[id(self.a)] * value[id(self.b)]


class _SeriesDot(_Node):
    """``sign * sum_l a_l b_l`` for series pairs ``(a_l, b_l)``: every product of a coefficient in one rounded sum (the
    gradient's ``-sum_l dL/dv_(js+l) [prod_(n != i) p~_n]_l`` of each filter entry, one node instead of a product per
    ``l`` and their sum)."""

    __slots__ = ("pairs", "negative", "left", "right")

    def __init__(self, tape, pairs, negative=False):
        self.pairs, self.negative = pairs, negative
        self.left = self.right = None
        super().__init__(tape)

    def step(self, k):
        if k == 0:  # the inputs' coefficient lists of this step; each holds k + 1 coefficients at step k
            self.left, self.right = [a.c for a, _ in self.pairs], [b.c for _, b in self.pairs]
        # every a_j b_(k-j) of every pair in one C loop (no slices per pair): a quarter of a flow's time
        total = self.tape.fsum(map(mul, chain.from_iterable(self.left), chain.from_iterable(map(reversed, self.right))))
        self.c.append(-total if self.negative else total)

    def poly(self, value):
        total = value[id(self.tape.zero)]
        for a, b in self.pairs:
            total += value[id(a)] * value[id(b)]
        return -total if self.negative else total


def _products(node):
    """The ``(a, b)`` pairs of which ``node`` is the sum of products, or ``[]``."""
    if type(node) is _Mul:
        return [(node.a, node.b)]
    if type(node) is _SeriesDot and not node.negative:
        return node.pairs
    return []


def _inputs(node):
    """The jets a node's coefficients are computed from."""
    if isinstance(node, _LinComb):
        return [a for a, _ in node.terms]
    if isinstance(node, _SeriesDot):
        return [x for pair in node.pairs for x in pair]
    return [getattr(node, name) for name in ("a", "b", "t") if isinstance(getattr(node, name, None), _Node)]


class _Square(_Node):
    """``a * a``: each product ``a_j a_{k-j}`` (``j < k/2``) once, summed twice with the middle square in one rounding,
    so the coefficient is bit for bit the :class:`_Mul` of ``a`` by itself at half the multiplications."""

    __slots__ = ("a",)

    def __init__(self, tape, a):
        self.a = a
        super().__init__(tape)

    def step(self, k):
        a = self.a.c
        half = (k + 1) // 2
        pairs = list(map(mul, a[:half], a[k:k - half:-1]))
        self.c.append(self.tape.fsum(pairs + pairs + [a[half] * a[half]] if k % 2 == 0 else pairs + pairs))

    def poly(self, value):
        a = value[id(self.a)]
        return a * a


class _Div(_Node):
    __slots__ = ("a", "b")

    def __init__(self, tape, a, b):
        self.a, self.b = a, b
        super().__init__(tape)

    def step(self, k):
        b, q = self.b.c, self.c
        acc = self.a.c[k] - self.tape.fsum(map(mul, islice(b, 1, None), reversed(q))) if k else self.a.c[0]
        q.append(acc / b[0])


class _Sqrt(_Node):
    __slots__ = ("a",)

    def __init__(self, tape, a):
        self.a = a
        super().__init__(tape)

    def step(self, k):
        s = self.c
        if k == 0:
            s.append(self.tape.scalar.sqrt(self.a.c[0]))
        else:
            # sum_(j=1)^(k-1) s_j s_(k-j): each pair once, summed twice (and the middle square) in one rounding, as _Square
            n = (k - 1) // 2
            pairs = list(map(mul, islice(s, 1, n + 1), s[k - 1:k - 1 - n:-1]))
            terms = pairs + pairs + [s[k // 2] * s[k // 2]] if k % 2 == 0 else pairs + pairs
            s.append((self.a.c[k] - self.tape.fsum(terms)) / (2 * s[0]))


def _derivative(node, k):
    """``node.da``, the coefficients ``i a_i`` of ``t a'(t)`` of the node's input, up to ``k`` (one product per term
    of the recurrences instead of two, and their loops in C)."""
    if k == 0:
        node.da = [0]
    else:
        node.da.append(k * node.a.c[k])
    return node.da


class _Exp(_Node):
    __slots__ = ("a", "da")

    def __init__(self, tape, a):
        self.a, self.da = a, []
        super().__init__(tape)

    def step(self, k):
        e, a, da = self.c, self.a.c, _derivative(self, k)
        if k == 0:
            e.append(self.tape.scalar.exp(a[0]))
        else:
            e.append(self.tape.fsum(map(mul, islice(da, 1, None), reversed(e))) / k)


class _Log(_Node):
    """``l = log a``: ``k a_0 l_k = k a_k - sum_{i=1}^{k-1} i l_i a_{k-i}``."""

    __slots__ = ("a", "dl")

    def __init__(self, tape, a):
        self.a, self.dl = a, []
        super().__init__(tape)

    def step(self, k):
        l, a, dl = self.c, self.a.c, self.dl
        if k == 0:
            l.append(self.tape.scalar.log(a[0]))
            self.dl = [0]
        else:
            l.append((k * a[k] - self.tape.fsum(map(mul, dl[1:k], a[k - 1:0:-1]))) / (k * a[0]))
            dl.append(k * l[k])


class _Tanh(_Node):
    """``t = tanh a``: ``t' = (1 - t^2) a'``, so ``k t_k = k a_k - sum_{i=1}^k i a_i (t^2)_{k-i}``; bounded factors
    (``|t| <= 1``), which keeps balls narrow where ``(e^2a - 1)/(e^2a + 1)`` would not."""

    __slots__ = ("a", "sq", "da")

    def __init__(self, tape, a):
        self.a, self.sq, self.da = a, [], []
        super().__init__(tape)

    def step(self, k):
        t, a, da = self.c, self.a.c, _derivative(self, k)
        if k == 0:
            self.sq = []
            t.append(self.tape.scalar.tanh(a[0]))
        else:
            t.append(a[k] - self.tape.fsum(map(mul, islice(da, 1, None), reversed(self.sq))) / k)
        sq = self.sq
        half = (k + 1) // 2  # (t^2)_k = 2 sum_{j < k/2} t_j t_{k-j} (+ t_{k/2}^2): half the products
        pairs = self.tape.fsum(map(mul, t[:half], t[k:k - half:-1])) if half else 0
        sq.append(2 * pairs + t[half] * t[half] if k % 2 == 0 else 2 * pairs)


class _Sech(_Node):
    """``q = sech a``: ``q' = -q tanh(a) a'``, so ``k q_k = -sum_{i=1}^k i a_i (q t)_{k-i}`` with ``t = tanh a`` (a
    :class:`_Tanh` node recorded before this one, so it is a step ahead)."""

    __slots__ = ("a", "t", "qt", "da")

    def __init__(self, tape, a):
        self.a, self.t, self.qt, self.da = a, tape.tanh(a), [], []
        super().__init__(tape)

    def step(self, k):
        q, t, da = self.c, self.t.c, _derivative(self, k)
        if k == 0:
            self.qt = []
            q.append(self.tape.scalar.sech(self.a.c[0]))
        else:
            q.append(-self.tape.fsum(map(mul, islice(da, 1, None), reversed(self.qt))) / k)
        self.qt.append(self.tape.fsum(map(mul, q, reversed(t))))


class JetTape:
    """The recorded vector field: variables, operations, outputs; also the arithmetic namespace of its jets."""

    name = "Taylor jets"
    # the scalars of the jets: gmpy2 mpfr here; lcnsym.dynamics.engines.certified uses python-flint balls
    fsum = staticmethod(fsum)
    scalar = MPFR  # the functions of the jets' numbers (the ball tape's are ARB's)
    derivative_form = "dphi"  # the loss's phi' as recorded (the ball tape takes the loss's form for balls)

    def __init__(self, n):
        self._tanh = {}
        self.nodes = []
        self.zero = _Zero(self)
        self.vars = [_Var(self) for _ in range(n)]
        self.outputs = []

    # the arithmetic namespace (lcnsym.numeric): what a loss's dphi(r, F) may use
    @staticmethod
    def const(q):
        return to_mpfr(q)

    def sqrt(self, a):
        return _Sqrt(self, a) if isinstance(a, _Node) else self.scalar.sqrt(self.const(a))

    def exp(self, a):
        return _Exp(self, a) if isinstance(a, _Node) else self.scalar.exp(self.const(a))

    def log(self, a):
        return _Log(self, a) if isinstance(a, _Node) else self.scalar.log(self.const(a))

    def log1p(self, a):
        return self.log(1 + a)

    def cosh(self, a):
        e = self.exp(a)
        return (e + 1 / e) / 2

    def tanh(self, a):
        if not isinstance(a, _Node):
            return self.scalar.tanh(self.const(a))
        if id(a) not in self._tanh:  # one node per input: a loss's tanh and sech of the same jet share it
            self._tanh[id(a)] = _Tanh(self, a)
        return self._tanh[id(a)]

    def sech(self, a):
        return _Sech(self, a) if isinstance(a, _Node) else self.scalar.sech(self.const(a))

    def root(self, a, n):
        return self.exp(self.log(a) / n)

    def lincomb(self, terms, const=0):
        return _LinComb(self, terms, const)

    def prune(self):
        """Drop the nodes no output depends on (the products a sum of products took over), keeping the order."""
        needed, todo = set(map(id, self.vars)), list(self.outputs)
        while todo:
            node = todo.pop()
            if id(node) not in needed:
                needed.add(id(node))
                todo.extend(_inputs(node))
        self.nodes = [n for n in self.nodes if id(n) in needed]
        # a dropped tanh must not be handed out again to a node recorded later
        self._tanh = {key: node for key, node in self._tanh.items() if id(node) in needed}

    def step_operations(self, order):
        """The multiply-adds of one step at ``order``: products, quotients and elementary functions cost ``order^2 / 2``,
        a sum of ``t`` terms ``t order``."""
        total = 0
        for node in self.nodes:
            if isinstance(node, _LinComb):
                total += len(node.terms) * order
            elif isinstance(node, (_Mul, _Div, _Sqrt, _Exp, _Log)):
                total += order * order // 2
            elif isinstance(node, _Square):
                total += order * order // 4
            elif isinstance(node, _SeriesDot):
                total += len(node.pairs) * order * order // 2
            elif isinstance(node, (_Tanh, _Sech)):
                total += order * order
            else:
                total += order
        return total

    def coefficients(self, state, order):
        """Taylor coefficients ``c_0..c_order`` of the solution through ``state``."""
        for node in self.nodes:
            node.c = []
        for v, x in zip(self.vars, state):
            v.c = [x]
        steps = [n.step for n in self.nodes if not isinstance(n, _Var)]
        pairs = [(v.c, f) for v, f in zip(self.vars, self.outputs)]
        for k in range(order):
            for step in steps:
                step(k)
            for c, f in pairs:
                c.append(f.c[k] / (k + 1))
        return [v.c for v in self.vars]

    def field_polynomials(self, inputs):
        """The field's outputs where the variables are the polynomials ``inputs`` (python-flint ``fmpq_poly``, with a
        tape whose constants are exact), whole, not truncated: exact polynomial arithmetic; ``None`` if a node is not a
        polynomial operation (a quotient, a root, an elementary function).  The certified engine's defect of a Taylor
        polynomial (:mod:`lcnsym.dynamics.engines.certified`)."""
        value = {id(v): p for v, p in zip(self.vars, inputs)}
        value[id(self.zero)] = inputs[0] * 0
        for node in self.nodes:
            if id(node) not in value:
                poly = getattr(node, "poly", None)
                if poly is None:
                    return None
                value[id(node)] = poly(value)
        return [value[id(f)] for f in self.outputs]

    def field_series(self, inputs, order):
        """The field's outputs as series of ``order`` terms when the variables are the series ``inputs`` (not an ODE
        solution): with ``inputs[j] = [x_j, d_j]``, the outputs' second terms are the directional derivative."""
        for node in self.nodes:
            node.c = []
        zero = self.const(0)
        nodes = [n for n in self.nodes if not isinstance(n, _Var)]
        for k in range(order):  # the variables too hold k + 1 terms at step k, as the products read them
            for v, x in zip(self.vars, inputs):
                v.c.append(x[k] if k < len(x) else zero)
            for node in nodes:
                node.step(k)
        return [f.c for f in self.outputs]


_OPCODES = {_Var: 0, _Zero: 1, _Add: 2, _Scale: 3, _Shift: 4, _LinComb: 5, _Mul: 6, _SeriesDot: 7, _Square: 8, _Div: 9,
            _Sqrt: 10, _Exp: 11, _Log: 12, _Tanh: 13, _Sech: 14}  # as in _jets.c


def compiled_coefficients(tape, arithmetic=None):
    """``coefficients(state, order)`` of ``tape`` run by the compiled recurrences (:mod:`._compiled`), or ``None`` if
    they are not built here or the tape has a node they do not know.  Same recurrences as
    :meth:`JetTape.coefficients`; a sum of products is rounded term by term (the Python tape sums its rounded products
    exactly), so the two agree to a few units of the working precision's last place, not bit for bit.

    ``arithmetic``: ``"F128"`` (the compiled recurrences' 128-bit floats; MPFR above their precision), ``"MPFR"``, or
    ``None`` for :func:`~lcnsym.dynamics.engines._compiled.jets_arithmetic`'s choice.  ``coefficients.arithmetic`` says
    which ran."""
    module = jets_module()
    if module is None or type(tape) is not JetTape:
        return None
    index = {id(node): i for i, node in enumerate(tape.nodes)}
    at = lambda node: index[id(node)] if node is not None else -1
    ops = []
    for node in tape.nodes:
        kind = type(node)
        if kind not in _OPCODES:
            return None
        terms = None
        if kind is _LinComb:
            terms = [(at(a), scale) for a, scale in node.terms]
        elif kind is _SeriesDot:
            terms = [(at(a), at(b)) for a, b in node.pairs]
        b = getattr(node, "t", None) if kind is _Sech else getattr(node, "b", None)
        constant = node.const if kind is _LinComb else getattr(node, "s", None)
        ops.append((_OPCODES[kind], at(getattr(node, "a", None)), at(b), int(getattr(node, "negative", False)), constant,
                    terms))
    bits = gmpy2.get_context().precision
    if arithmetic not in (None, "F128", "MPFR"):
        raise ValueError(f"arithmetic is F128, MPFR or None, not {arithmetic!r}")
    arithmetic = arithmetic or jets_arithmetic(bits)
    finite = all(gmpy2.is_finite(op[4]) for op in ops if op[4] is not None) and all(
        gmpy2.is_finite(s) for op in ops if op[0] == _OPCODES[_LinComb] for _, s in op[5])
    handle = module.build(bits, ops, [at(v) for v in tape.vars], [at(f) for f in tape.outputs],
                          arithmetic == "F128" and finite, jets_threads(tape.step_operations(MIN_ORDER)))

    def coefficients(state, order):
        if gmpy2.get_context().precision != bits:  # its numbers are made at the precision it was built at
            raise ValueError(f"compiled jets built at {bits} bits called at {gmpy2.get_context().precision}")
        return module.coefficients(handle, state, order)

    coefficients.arithmetic = module.arithmetic(handle)
    return coefficients


def _normal_equations(arch, data, v, alpha, tape):
    """``dL/dv = A v - b`` for ``phi(r) = alpha r^2``: ``2 alpha`` times the normal equations' ``A`` and ``b``, exactly."""
    A, b, _ = normal_equations(arch, data)
    return [tape.lincomb([(v[q], 2 * alpha * a) for q, a in enumerate(row) if a], -2 * alpha * bm) for row, bm in zip(A, b)]


def _record_field(problem, n, tape_class=JetTape):
    arch, data, loss = problem.arch, problem.data, problem.loss
    tape = tape_class(n)
    it = iter(tape.vars)
    filters = [[next(it) for _ in range(ki)] for ki in arch.k]
    partials = final_filter_partials(filters, arch.s)
    v = partials[-1]
    if loss.quadratic is not None:
        G = _normal_equations(arch, data, v, to_rational(loss.quadratic, "quadratic", floats=True), tape)
    else:
        G = [[] for _ in v]  # dL/dv_m = sum_{j,r} loss'(z_jr - y_jr) x_j[r s_v + m]
        for j in range(data.m):
            for r in range(arch.dN):
                base = r * arch.s_v
                residual = tape.lincomb([(v[m], data.X[base + m][j]) for m in range(len(v))], -data.Y[r][j])
                try:
                    d = getattr(loss, tape.derivative_form)(residual, tape)
                except (TypeError, AttributeError, ValueError) as exc:
                    raise LossDefinitionError(
                        f"the {loss.name} loss's dphi(r, F) does not run on the taylor engine's jets ({type(exc).__name__}: "
                        f"{abbreviate(str(exc), 120)}): write it with F's operations (F.const, F.sqrt, F.exp, F.log, F.cosh, "
                        f"F.tanh, F.sech, + - * /), or use --engine odefun", loss=loss.name, lacks="dphi", use="taylor") from None
                if not isinstance(d, _Node):
                    raise LossDefinitionError(f"the {loss.name} loss's dphi(r, F) returned {abbreviate(d)} for a jet, not a jet",
                                              loss=loss.name, lacks="dphi", use="taylor")
                for m in range(len(v)):
                    G[m].append((d, data.X[base + m][j]))
        G = [tape.lincomb(terms) for terms in G]
    # -grad L by backpropagation through (3.11): each entry a sum of products, one series dot (a one-layer network's
    # is -G itself); for N >= 3 a quarter fewer products than each layer's prod_(k != i) p~_k
    for grad in filter_gradients(filters, arch.s, G, partials):
        tape.outputs.extend(_SeriesDot(tape, _products(x), negative=True) if _products(x) else -x for x in grad)
    tape.prune()
    return tape


def field_at(problem, w, *, dps):
    """``-grad L(w)`` as the Taylor engine's tape computes it (the first Taylor coefficient of every step), at ``dps``
    digits, as the exact values of its binary numbers: the field the flows integrate, for checks that hold it against
    an exact gradient.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import Data
    >>> from lcnsym.dynamics.engines import FlowProblem
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> problem = FlowProblem(Architecture(1, (1, 1), (1, 1)), Data(((1, 2),), ((2, 4),)), parse_loss("square"))
    >>> field_at(problem, [[1], [1]], dps=30)
    [Fraction(10, 1), Fraction(10, 1)]
    """
    flat = [x for layer in w for x in layer]
    with working_precision(dps, guard=GUARD):
        tape = _record_field(problem, len(flat))
        return [to_rational(c[0], floats=True) for c in tape.field_series([[to_mpfr(x)] for x in flat], 1)]


def _horner(coeffs, x):
    acc = coeffs[-1]
    for a in reversed(coeffs[:-1]):
        acc = acc * x + a
    return acc


class TaylorEngine(Engine):
    """Jet transport in gmpy2 (see the module docstring)."""

    name = "taylor"
    summary = ("Taylor series by jet transport at the working precision (MPFR; where a C compiler is found, the "
               "recurrences compiled in C, on 128-bit floats up to dps 30), the accuracy of order dps + 2 (the default)")

    def integrate(self, problem, w0, sample_times, on_sample, *, dps, max_steps=MAX_STEPS, max_step_seconds=MAX_STEP_SECONDS,
                  max_seconds=MAX_SECONDS, order=None, adaptive_order=True, stop_below=None, on_step=None, compiled=None):
        """Integrate from ``w0`` and call ``on_sample(t, state)`` at each sample time (dense output); returns the steps taken.

        ``order`` sets ``K`` (default ``dps + 2``): the accuracy, and the highest order a step takes; with
        ``adaptive_order=False`` every step takes order ``K`` (the engine before the order was chosen per step).

        ``compiled``: the recurrences in C (:func:`compiled_coefficients`) where they are built (``None``, the default),
        always (``True``: an error where they are not) or never (``False``: the Python tape).

        With ``stop_below``, every step's first Taylor coefficient (``-grad L``) is watched: once its norm is below
        ``stop_below``, ``on_sample`` is called at the current time and, if it says so, the run stops there (a converged
        flow is not integrated on to the next sample time).

        Raises
        ------
        ConvergenceError
            If the step collapses (below :data:`MIN_STEP_DIGITS` digits of the interval, or ``t + h == t`` at the
            working precision: a field that blows up) or more than ``max_steps`` steps are needed.
        WorkLimitError
            If the run takes more than ``max_seconds`` of wall time.
        """
        with working_precision(dps, guard=GUARD):
            tape = _record_field(problem, len(w0))
            fast = None if compiled is False else compiled_coefficients(tape)
            if compiled and fast is None:
                raise WorkLimitError(f"the compiled Taylor recurrences are not available here: {jets_status()}")
            K = order or dps + 2  # truncation ~ 10^-(dps-2) per step; the step is held by stability on stiff flows
            seconds = tape.step_operations(K) * SECONDS_PER_OPERATION * (1 + dps / 100)
            if max_step_seconds is not None and seconds > max_step_seconds:
                raise WorkLimitError(f"one Taylor step at {dps} digits would take about {seconds:.3g} s ({len(tape.nodes)} "
                                     f"operations on series of order {K}); lower --dps, or raise the limit with "
                                     f"max_step_seconds (--max-step-seconds)", seconds=seconds, limit=max_step_seconds)
            last = {"t": _ZERO, "state": [to_mpfr(x) for x in w0]}  # the last computed state, for Ctrl-C
            try:
                return _steps(tape, K, last, [to_mpfr(s) for s in sample_times], sample_times, on_sample, dps, max_steps,
                              max_seconds, None if stop_below is None else to_mpfr(stop_below) ** 2, on_step,
                              adaptive=adaptive_order and K > MIN_ORDER, coefficients=fast)
            except FlowInterrupted:
                raise
            except KeyboardInterrupt:
                raise FlowInterrupted(to_rational(last["t"], floats=True), list(last["state"])) from None


_LOOK = 10**4  # (100 x the tolerance)^2: where the caller is asked whether the flow has converged


def _reach(c, order, K):
    """The step of Jorba and Zou for the coefficients ``c`` computed to ``order``, at the accuracy of order ``K``:
    ``min_j |c_j|^(-1/j) e^(-2K/order)`` over ``j = order - 1, order`` (at ``order = K`` their ``rho / e^2``, the
    last term then about ``e^(-2K)``), shortened by ``e^(-0.7/(order - 1))``; infinite if both coefficients vanish."""
    norms = [max(abs(ci[j]) for ci in c) for j in (order - 1, order)]
    rho = min((1 / n) ** (_ONE / j) if n else gmpy2.inf() for n, j in zip(norms, (order - 1, order)))
    if not gmpy2.is_finite(rho):
        return rho
    return rho * gmpy2.exp(to_mpfr(-2 * K) / order) * gmpy2.exp(to_mpfr(Fraction(-7, 10)) / (order - 1))


def _order_weights(tape, K):
    """Per order ``j``: ``log`` of a step's work at order ``j`` (:meth:`JetTape.step_operations` and one operation per
    node) plus the ``2K/j + 0.7/(j - 1)`` by which :func:`_reach` shortens the step (for :func:`_cheapest_order`)."""
    weights = [None] * (K + 1)
    for j in range(MIN_ORDER, K + 1):
        weights[j] = (gmpy2.log(tape.step_operations(j) + len(tape.nodes)) + to_mpfr(2 * K) / j
                      + to_mpfr(Fraction(7, 10)) / (j - 1))
    return weights


def _cheapest_order(c, order, K, weights):
    """The order for the next step: the one of least work per unit of ``t`` among those computed now (the logarithm
    of ``work(j) / _reach(c, j, K)``, from the coefficients' norms once), plus :data:`ORDER_PROBE` so that the order
    can climb again; at most ``K``."""
    logs = {j: gmpy2.log(max(abs(ci[j]) for ci in c)) for j in range(MIN_ORDER - 1, order + 1)}

    def log_work(j):  # a vanishing coefficient (log -inf) does not bound the step
        return weights[j] + max(logs[j - 1] / (j - 1), logs[j] / j)

    best = min(range(MIN_ORDER, order + 1), key=log_work)
    return min(K, best + ORDER_PROBE)


def _steps(tape, K, last, samples, sample_times, on_sample, dps, max_steps, max_seconds=None, stop_squared=None, on_step=None,
           adaptive=True, coefficients=None):
    """Taylor steps from ``last`` (kept up to date) through every sample time, or until ``||-grad L||^2`` (the first
    coefficients) falls below ``stop_squared`` and ``on_sample`` confirms; returns the steps taken.

    The order starts at ``K``; with ``adaptive`` each step picks the next one by :func:`_cheapest_order`.
    ``coefficients``: the tape's recurrences, compiled (:func:`compiled_coefficients`) or not (the default)."""
    coefficients = coefficients or tape.coefficients
    t, state = last["t"], last["state"]
    order = K
    weights = _order_weights(tape, K) if adaptive else None
    si, steps, t_end, next_look = 0, 0, samples[-1], 1
    h_min = t_end * to_mpfr(Fraction(1, 10**MIN_STEP_DIGITS))  # below this, t_end is out of reach of any step limit
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    while si < len(samples):
        c = coefficients(state, order)
        if stop_squared is not None and steps >= next_look and sum(ci[1] * ci[1] for ci in c) < stop_squared * _LOOK:
            # the series' gradient has a noise floor a little above the caller's (which is computed exactly from v):
            # the caller decides, looked at again after twice as many steps when it says no
            if on_sample(to_rational(t, floats=True), state):
                return steps
            next_look = 2 * steps
        if not all(gmpy2.is_finite(ci[1]) for ci in c):  # the field overflowed or is undefined (nan): it blew up
            raise ConvergenceError(f"the field -grad L is not finite at t = {show(t, 6)} after {steps} steps: the flow blows "
                                   f"up or the loss's phi' is broken", t=to_rational(t, floats=True), steps=steps, dps=dps)
        reach = _reach(c, order, K)
        if gmpy2.is_finite(reach):
            h = min(reach, t_end - t)
        else:  # the last coefficients vanish: the Taylor polynomial is the solution, to the end
            h = t_end - t
        if adaptive:
            order = _cheapest_order(c, order, K, weights)
        if not (h > 0 and t + h > t) or (h < h_min and h < t_end - t):
            raise ConvergenceError(f"the Taylor step collapsed to h = {show(h, 3)} at t = {show(t, 6)} after {steps} steps "
                                   f"(below {show(h_min, 3)}, 1e-{MIN_STEP_DIGITS} of the interval): the field blows up or "
                                   f"is broken", t=to_rational(t, floats=True), h=str(h), steps=steps, dps=dps)
        while si < len(samples) and samples[si] <= t + h:
            if on_sample(sample_times[si], [_horner(ci, samples[si] - t) for ci in c]):
                return steps
            si += 1
        state = [_horner(ci, h) for ci in c]
        t += h
        steps += 1
        last["t"], last["state"] = t, state
        if on_step is not None:
            on_step(t, steps, fsum(ci[1] * ci[1] for ci in c))  # ||grad L||^2 at the step's start
        if deadline is not None and time.monotonic() > deadline:
            raise WorkLimitError(f"the Taylor engine ran past its wall-time limit max_seconds = {max_seconds} after {steps} "
                                 f"steps, at t = {show(t, 6)} of {show(t_end, 6)}; raise the limit with max_seconds",
                                 t=to_rational(t, floats=True), steps=steps, limit=max_seconds, dps=dps)
        if steps >= max_steps:
            raise ConvergenceError(f"the Taylor engine took {steps} steps and reached only t = {show(t, 6)} "
                                   f"(limit max_steps = {max_steps})", t=t, dps=dps, steps=steps)
    return steps
