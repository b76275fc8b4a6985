"""Every complex critical point of the square loss on a small instance, exactly, and the real ones classified.

The risk ``L(w) = sum_j ||pi(w) x_j - y_j||^2`` depends on ``w`` through the
final filter ``v = pi(w)`` (Prop. 2.1): ``L = v^T A v - 2 b^T v + c`` with
``A = sum phi phi^T``, ``b = sum y phi`` over the data windows ``phi``.  Its
critical points are never isolated: ``L`` is constant on the rescalings
``w^(i) -> c_i w^(i)``, ``prod c_i = 1``.  The *slice* ``w^(i)_1 = 1`` for
every layer but one (the widest, :func:`free_layer`) meets the orbit of every ``w`` with ``v_0 = prod_i w^(i)_1 != 0``
exactly once and is transversal to it, and ``L`` restricted to it is critical
exactly where ``L`` is (the gradient is orthogonal to the orbit).  The point
``v = 0`` is excluded by ``z w^(f)_1 = 1`` on the free layer ``f``.  Critical filters with ``v_0 = 0``
are not on the slice; for generic data there are none.

The route:

1. a Groebner basis of the equations in the degree reverse lexicographic
   order (python-flint's Buchberger over the integers, with work limits);
2. the quotient ring: its dimension (the number of standard monomials) and
   the matrices of multiplication by each unknown on it;
3. FGLM to the lexicographic order with a generic linear form ``u`` of the
   unknowns last: the minimal polynomial ``g(u)`` (Krylov) and the shape
   ``w = h(u) mod g`` (linear algebra over Q).  If ``u`` does not separate the
   solutions for three choices, the ideal is replaced by its radical
   (Seidenberg: the squarefree parts of the unknowns' eliminants are added);
4. certified roots of ``g`` (python-flint): the number of distinct roots must
   equal the quotient ring's dimension (``routes_agree``);
5. each solution's filter ``v`` exactly in ``Q[u]/(g)``; distinct filters are
   told apart by exact labels (each coordinate's minimal polynomial, its
   isolated roots), so ``complex_count`` counts filters, not parameters;
6. at a real solution, the Hessian of ``L`` on the slice exactly in ``Q(alpha)``
   and its inertia from the signs of its characteristic polynomial's
   coefficients (Descartes' rule is exact for real-rooted polynomials), each
   sign decided exactly (zero modulo the minimal polynomial) or by balls.

References
----------
Proposition 2.1 (``v = pi(w)``), Lemma 3.3 (the rescaling symmetry); Cox,
Little, O'Shea, *Using Algebraic Geometry*, ch. 2 (FGLM, multiplication
matrices, Seidenberg's lemma).
"""

from dataclasses import dataclass, field
from fractions import Fraction
import random
import time

import flint

from lcnsym.algebra.architecture import Architecture
from lcnsym.analysis.roots import certified_roots
from lcnsym.dynamics.risk import normal_equations
from lcnsym.errors import InputError, NumericalError, PrecisionError, WorkLimitError
from lcnsym.numeric import DEFAULT_DPS, check_dps, escalation, show, to_acb, to_arb, to_fmpq, to_rational, working_precision

__all__ = ["determinant", "gradient_at", "stride_polynomials_at", "CriticalPoint", "CriticalReport", "critical_points", "free_layer", "MAX_UNKNOWNS", "MAX_WIDE_LAYERS", "MAX_QUOTIENT"]

MAX_UNKNOWNS = 4
"""The most unknowns on the slice (``kbar - N + 1``): beyond, the Groebner basis is out of reach."""

MAX_WIDE_LAYERS = 2
"""The most layers with ``k_i >= 2`` (layers with ``k_i = 1`` are scalars and add no unknown)."""

MAX_QUOTIENT = 200
"""The largest quotient ring (number of complex solutions on the slice) handled."""

GROEBNER_LIMITS = (1000, 20000, 100000)
"""python-flint's Buchberger stops beyond this many polynomials, terms per polynomial, bits per coefficient."""

_TRIES = 3


# ---------------------------------------------------------------- the equations

def free_layer(arch):
    """The layer left unnormalized on the slice: the widest (the last among equals); the Groebner basis is smallest so."""
    return max(range(arch.N), key=lambda i: (arch.k[i], i))


def _names(arch):
    """The unknowns on the slice (``w<i>_<j>``, 1-based as in the paper) and ``z``."""
    free = free_layer(arch)
    names = [f"w{i + 1}_{j + 1}" for i, ki in enumerate(arch.k) for j in range(ki) if i == free or j > 0]
    return names + ["z"]


def _system(arch, A, b, c):
    """The risk ``L`` on the slice, its partial derivatives and the exclusion ``z w^(f)_1 - 1`` as ``fmpq_mpoly``."""
    names = _names(arch)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(names), "degrevlex")
    gens = dict(zip(names, ctx.gens()))
    one = ctx.from_dict({(0,) * len(names): 1})
    free = free_layer(arch)
    layers = [[one if (i != free and j == 0) else gens[f"w{i + 1}_{j + 1}"] for j in range(ki)]
              for i, ki in enumerate(arch.k)]
    v = [one]
    for w, step in zip(layers, arch.stride_products):
        out = [ctx.from_dict({})] * (len(v) + (len(w) - 1) * step)
        for a, va in enumerate(v):
            for j, wj in enumerate(w):
                out[a + j * step] = out[a + j * step] + va * wj
        v = out
    Av = [sum((to_fmpq(A[k][q]) * v[q] for q in range(len(v))), ctx.from_dict({})) for k in range(len(v))]
    L = sum((v[k] * Av[k] - 2 * to_fmpq(b[k]) * v[k] for k in range(len(v))), ctx.from_dict({})) + to_fmpq(c) * one
    equations = [L.derivative(name) for name in names[:-1]]
    equations.append(gens["z"] * gens[f"w{free + 1}_1"] - 1)
    return ctx, names, layers, v, L, equations


# ---------------------------------------------------------------- Groebner basis and quotient ring

def _integral(polys, ctx_z):
    """``fmpq_mpoly`` with denominators cleared, as ``fmpz_mpoly`` in ``ctx_z``."""
    out = []
    for p in polys:
        terms = p.to_dict()
        den = 1
        for coeff in terms.values():
            den = den * int(coeff.q) // _gcd(den, int(coeff.q))
        out.append(ctx_z.from_dict({mon: int(coeff.p) * (den // int(coeff.q)) for mon, coeff in terms.items()}))
    return out


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def _groebner(equations, ctx, names):
    """The reduced Groebner basis (degrevlex) as monic ``fmpq_mpoly``; ``WorkLimitError`` beyond the limits."""
    ctx_z = flint.fmpz_mpoly_ctx.get(tuple(names), "degrevlex")
    vec = flint.fmpz_mpoly_vec(_integral(equations, ctx_z), ctx_z)
    basis, complete = vec.buchberger_naive(limits=GROEBNER_LIMITS)
    if not complete:
        raise WorkLimitError(f"the Groebner basis of the critical equations grew beyond {GROEBNER_LIMITS[0]} polynomials, "
                             f"{GROEBNER_LIMITS[1]} terms or {GROEBNER_LIMITS[2]}-bit coefficients; the instance is too large "
                             f"for lcnsym critical", limits=GROEBNER_LIMITS)
    basis = basis.autoreduction()
    out = []
    for g in basis:
        if g.is_zero():
            continue
        terms = g.to_dict()
        q = ctx.from_dict({mon: to_fmpq(int(coeff)) for mon, coeff in terms.items()})
        out.append(q / q.leading_coefficient())
    return out


def _leading_monomial(p):
    return tuple(p.monoms()[0])


def _divides(a, b):
    return all(x <= y for x, y in zip(a, b))


def _standard_monomials(leading, nvars):
    """The monomials divisible by no leading monomial (a basis of the quotient ring), or ``None`` if infinitely many."""
    if any(all(e == 0 for e in lm) for lm in leading):
        return []  # 1 is in the ideal: no solution (tested first: the constant is no unknown's pure power)
    for i in range(nvars):  # zero-dimensional iff every unknown has a pure power among the leading monomials
        if not any(all(e == 0 for j, e in enumerate(lm) if j != i) and lm[i] > 0 for lm in leading):
            return None
    found, frontier = [(0,) * nvars], [(0,) * nvars]
    seen = set(found)
    while frontier:
        nxt = []
        for mon in frontier:
            for i in range(nvars):
                up = mon[:i] + (mon[i] + 1,) + mon[i + 1:]
                if up in seen or any(_divides(lm, up) for lm in leading):
                    continue
                seen.add(up)
                found.append(up)
                nxt.append(up)
                if len(found) > MAX_QUOTIENT:
                    raise WorkLimitError(f"the critical equations have more than {MAX_QUOTIENT} complex solutions on the "
                                         f"slice; lcnsym critical handles at most {MAX_QUOTIENT}", limit=MAX_QUOTIENT)
        frontier = nxt
    return sorted(found, key=lambda m: (sum(m), m))


def _normal_form(p, basis, leading, ctx):
    """The remainder of ``p`` on division by the (monic, reduced) Groebner basis."""
    rest = ctx.from_dict({})
    while not p.is_zero():
        mon, coeff = tuple(p.monoms()[0]), p.leading_coefficient()
        for g, lm in zip(basis, leading):
            if _divides(lm, mon):
                shift = ctx.from_dict({tuple(a - b for a, b in zip(mon, lm)): coeff})
                p = p - shift * g
                break
        else:
            term = ctx.from_dict({mon: coeff})
            rest, p = rest + term, p - term
    return rest


def _coordinates(p, index):
    vec = [to_fmpq(0)] * len(index)
    for mon, coeff in p.to_dict().items():
        vec[index[tuple(mon)]] = coeff
    return vec


def _multiplication_matrices(basis, leading, standard, ctx, nvars):
    """``M_i``: multiplication by the ``i``-th unknown on the quotient ring, in the basis of standard monomials."""
    index = {mon: n for n, mon in enumerate(standard)}
    mats = []
    for i in range(nvars):
        cols = []
        for mon in standard:
            up = mon[:i] + (mon[i] + 1,) + mon[i + 1:]
            if up in index:
                col = [to_fmpq(0)] * len(standard)
                col[index[up]] = to_fmpq(1)
            else:
                col = _coordinates(_normal_form(ctx.from_dict({up: 1}), basis, leading, ctx), index)
            cols.append(col)
        mats.append(flint.fmpq_mat(len(standard), len(standard), [cols[c][r] for r in range(len(standard)) for c in range(len(standard))]))
    return mats


def _column(mat, c):
    return [mat[r, c] for r in range(mat.nrows())]


def _as_matrix(columns):
    n = len(columns[0])
    return flint.fmpq_mat(n, len(columns), [columns[c][r] for r in range(n) for c in range(len(columns))])


def _shape(mats, coefficients):
    """FGLM in shape position: ``g`` (the minimal polynomial of ``u = sum r_i x_i``) and ``x_i = h_i(u) mod g``.

    ``None`` if ``u`` does not separate the solutions (the Krylov space of ``1`` is smaller than the quotient ring) or
    the ideal is not radical (``g`` has a multiple root)."""
    D = mats[0].nrows()
    Mu = mats[0] * 0
    for r, M in zip(coefficients, mats):
        Mu += M * r
    e = [to_fmpq(1)] + [to_fmpq(0)] * (D - 1)
    krylov = [e]
    for _ in range(D):
        krylov.append(_column(Mu * _as_matrix([krylov[-1]]), 0))
    K = _as_matrix(krylov[:D])
    if K.rank() < D:
        return None
    c = K.solve(_as_matrix([krylov[D]]))
    g = flint.fmpq_poly([-c[j, 0] for j in range(D)] + [1])
    if g.gcd(g.derivative()).degree() > 0:  # a multiple solution: the ideal is not radical
        return None
    hs = []
    for M in mats:
        sol = K.solve(_as_matrix([_column(M, 0)]))
        hs.append(flint.fmpq_poly([sol[j, 0] for j in range(D)]))
    return g, hs


def _squarefree(p):
    return p // p.gcd(p.derivative()) if p.degree() > 0 else p


def _univariate(poly, var, ctx, nvars):
    """The ``fmpq_poly`` ``poly`` as a polynomial in the unknown ``var``."""
    terms = {}
    for j, coeff in enumerate(poly.coeffs()):
        if coeff != 0:
            mon = [0] * nvars
            mon[var] = j
            terms[tuple(mon)] = coeff
    return ctx.from_dict(terms)


# ---------------------------------------------------------------- exact arithmetic in Q[u]/(f)

def _mod_eval(p, hs, names, modulus):
    """``p`` (an ``fmpq_mpoly`` in the unknowns) at ``x_i = h_i(u)``, reduced modulo ``modulus``."""
    total = flint.fmpq_poly([0])
    powers = {}
    for mon, coeff in p.to_dict().items():
        term = flint.fmpq_poly([coeff])
        for i, e in enumerate(mon):
            if e:
                key = (i, e)
                if key not in powers:
                    powers[key] = _powmod(hs[i], e, modulus)
                term = (term * powers[key]) % modulus
        total += term
    return total % modulus


def _powmod(h, e, modulus):
    out, base = flint.fmpq_poly([1]), h % modulus
    while e:
        if e & 1:
            out = (out * base) % modulus
        base = (base * base) % modulus
        e >>= 1
    return out


def _multiplication_by(p, modulus):
    """The matrix of multiplication by ``p`` on ``Q[u]/(modulus)`` (basis ``1, u, ..., u^(D-1)``)."""
    D = modulus.degree()
    cols = []
    for j in range(D):
        r = (p * flint.fmpq_poly([0] * j + [1])) % modulus
        coeffs = list(r.coeffs()) + [to_fmpq(0)] * D
        cols.append([to_fmpq(x) for x in coeffs[:D]])
    return _as_matrix(cols)


def _ball(p, root):
    """``p(alpha)`` as a ball, ``alpha`` given by its certified ball."""
    return flint.acb_poly([to_acb(to_rational(c)) for c in p.coeffs()])(root) if p.degree() >= 0 else to_acb(0)


def _charpoly(matrix, modulus):
    """The characteristic polynomial of a square matrix over ``Q[u]/(modulus)`` (Faddeev-LeVerrier): ``[c_0, ..., c_n]``."""
    n = len(matrix)
    zero, one = flint.fmpq_poly([0]), flint.fmpq_poly([1])

    def mul(X, Y):
        return [[sum((X[i][k] * Y[k][j] for k in range(n)), zero) % modulus for j in range(n)] for i in range(n)]

    coeffs = [zero] * n + [one]
    M = [[zero] * n for _ in range(n)]
    c = one
    for k in range(1, n + 1):
        M = [[(M[i][j] + (c if i == j else zero)) % modulus for j in range(n)] for i in range(n)]
        AM = mul(matrix, M)
        c = -sum((AM[i][i] for i in range(n)), zero) / k
        coeffs[n - k] = c % modulus
        M = AM
    return coeffs


def determinant(matrix, modulus):
    """The determinant of a square matrix over ``Q[u]/(modulus)`` (the constant term of its characteristic polynomial).

    Examples
    --------
    >>> m = flint.fmpq_poly([-2, 0, 1])  # Q(sqrt 2)
    >>> str(determinant([[flint.fmpq_poly([0, 1]), flint.fmpq_poly([1])], [flint.fmpq_poly([1]), flint.fmpq_poly([0, 1])]], m))
    '1'
    """
    c0 = _charpoly(matrix, modulus)[0]
    return c0 if len(matrix) % 2 == 0 else -c0


def stride_polynomials_at(arch, point):
    """The coefficient lists of ``p~_i`` (Prop. 2.1) at a real critical point, entries in ``Q[u]/(point.modulus)``."""
    polys = []
    for layer, step in zip(point.w_exact, arch.stride_products):
        coeffs = [flint.fmpq_poly([0])] * ((len(layer) - 1) * step + 1)
        coeffs[::step] = layer
        polys.append(coeffs)
    return polys


def gradient_at(arch, A, b, point):
    """``grad_w L`` at a real critical point, exactly: one residue modulo ``point.modulus`` per parameter (all zero at
    a critical point).  Computed from the definition ``2 J^T (A v - b)``, independently of the Groebner basis."""
    f = point.modulus
    polys = stride_polynomials_at(arch, point)

    def product(factors):
        out = [flint.fmpq_poly([1])]
        for p in factors:
            new = [flint.fmpq_poly([0])] * (len(out) + len(p) - 1)
            for a, x in enumerate(out):
                for c, y in enumerate(p):
                    new[a + c] = (new[a + c] + x * y) % f
            out = new
        return out

    v = product(polys)
    residual = [(sum((to_fmpq(A[k][q]) * v[q] for q in range(len(v))), flint.fmpq_poly([0])) - to_fmpq(b[k])) % f
                for k in range(len(v))]
    grad = []
    for i, (layer, step) in enumerate(zip(point.w_exact, arch.stride_products)):
        others = product(polys[:i] + polys[i + 1:])
        for j in range(len(layer)):
            grad.append((2 * sum((residual[j * step + l] * q for l, q in enumerate(others)), flint.fmpq_poly([0]))) % f)
    return grad


# ---------------------------------------------------------------- results

@dataclass
class CriticalPoint:
    """A real critical point on the slice: ``w`` (balanced representative), its filter ``v``, ``L``, the kind.

    ``inertia`` is ``(positive, negative, zero)`` eigenvalues of the Hessian on the slice (exact counts).  The point
    is known exactly: ``w_exact[i][j]`` is ``w^(i)_j`` on the slice as a polynomial in ``alpha``, the real root of
    ``modulus`` (an irreducible polynomial over Q) whose ball is ``alpha``.
    """

    v: list
    w: list
    loss: object
    kind: str
    inertia: tuple
    label: tuple = field(repr=False, default=())
    modulus: object = field(repr=False, default=None)
    w_exact: list = field(repr=False, default=None)
    v_exact: list = field(repr=False, default=None)
    loss_exact: object = field(repr=False, default=None)
    alpha: object = field(repr=False, default=None)

    def as_dict(self, dps):
        return {"v": [show(x, dps) for x in self.v], "w": [[show(x, dps) for x in layer] for layer in self.w],
                "loss": show(self.loss, dps), "kind": self.kind,
                "inertia": {"positive": self.inertia[0], "negative": self.inertia[1], "zero": self.inertia[2]}}


@dataclass
class CriticalReport:
    """Every critical point of the square loss on one instance (see :func:`critical_points`)."""

    arch: Architecture
    dps: int
    quotient_dimension: int
    distinct_roots: int
    eliminant_degree: int
    radical_added: bool
    complex_count: int
    real: list
    seconds: dict
    unknowns: int

    @property
    def routes_agree(self):
        """Whether the quotient ring's dimension equals the number of distinct certified roots of the eliminant."""
        return self.quotient_dimension == self.distinct_roots

    def as_dict(self):
        return {"k": list(self.arch.k), "s": list(self.arch.s), "d0": self.arch.d0, "k_v": self.arch.k_v,
                "slice": f"w^(i)_1 = 1 for i != {free_layer(self.arch) + 1} (removes the rescalings; needs v_0 != 0), "
                         f"z w^({free_layer(self.arch) + 1})_1 = 1 (excludes v = 0)",
                "unknowns": self.unknowns, "complex_count": self.complex_count, "routes_agree": self.routes_agree,
                "quotient_dimension": self.quotient_dimension, "distinct_roots": self.distinct_roots,
                "eliminant_degree": self.eliminant_degree, "radical_added": self.radical_added,
                "real_count": len(self.real), "real": [p.as_dict(self.dps) for p in self.real],
                "seconds": {key: round(value, 3) for key, value in self.seconds.items()}}

    def _repr_html_(self):
        rows = "".join(f"<tr><td>{p.kind}</td><td>{show(p.loss, 12)}</td><td>{', '.join(show(x, 8) for x in p.v)}</td></tr>"
                       for p in self.real)
        return (f"<p>{self.complex_count} complex critical filters v != 0 (quotient dimension {self.quotient_dimension}, "
                f"{self.distinct_roots} certified roots; routes agree: {self.routes_agree}); {len(self.real)} real critical "
                f"points</p><table><tr><th>kind</th><th>L</th><th>v</th></tr>{rows}</table>")


# ---------------------------------------------------------------- the computation

def _check_size(arch):
    unknowns = arch.kbar - arch.N + 1
    wide = sum(ki >= 2 for ki in arch.k)
    if wide > MAX_WIDE_LAYERS:
        raise WorkLimitError(f"k = {','.join(map(str, arch.k))} has {wide} layers with k_i >= 2; lcnsym critical handles at "
                             f"most {MAX_WIDE_LAYERS} (with three, e.g. k = 2,2,2, the Groebner basis grows beyond reach)",
                             layers=wide, limit=MAX_WIDE_LAYERS)
    if unknowns > MAX_UNKNOWNS:
        raise WorkLimitError(f"k = {','.join(map(str, arch.k))} has kbar - N + 1 = {unknowns} unknowns on the slice; "
                             f"lcnsym critical handles at most {MAX_UNKNOWNS} (the Groebner basis grows beyond reach)",
                             unknowns=unknowns, limit=MAX_UNKNOWNS)
    return unknowns


def _solve(equations, ctx, names, rng):
    """Quotient ring and shape: ``(D, g, hs, radical_added)``."""
    nvars = len(names)
    radical_added = False
    for attempt in range(2):
        basis = _groebner(equations, ctx, names)
        leading = [_leading_monomial(g) for g in basis]
        standard = _standard_monomials(leading, nvars)
        if standard is None:
            raise NumericalError("the critical points on the slice are not isolated (the ideal is not zero-dimensional): "
                                 "the data are degenerate, e.g. A = sum phi phi^T is singular", names=names)
        if not standard:
            return 0, flint.fmpq_poly([1]), [], radical_added
        mats = _multiplication_matrices(basis, leading, standard, ctx, nvars)
        for _ in range(_TRIES):
            coefficients = [rng.choice([-1, 1]) * rng.randint(1, 9) for _ in range(nvars)]
            shape = _shape(mats, coefficients)
            if shape is not None:
                return len(standard), shape[0], shape[1], radical_added
        if attempt == 0:  # Seidenberg: add the squarefree parts of the unknowns' eliminants, get the radical
            extra = [_univariate(_squarefree(M.charpoly()), i, ctx, nvars) for i, M in enumerate(mats)]
            equations = list(basis) + extra
            radical_added = True
    raise NumericalError("no generic linear form separated the critical points, even on the radical ideal", names=names)


def _roots(g, dps):
    """Certified roots of the squarefree ``g`` (ascending coefficients to :func:`certified_roots`)."""
    return certified_roots([to_rational(c) for c in g.coeffs()], dps, max_work=None)


def _labels(values, g, roots, dps):
    """Exact labels of ``values[k](alpha)`` for every root: equal labels in every coordinate mean equal filters.

    Each coordinate's minimal polynomial over Q (the characteristic polynomial of multiplication by it, squarefree)
    has isolated roots; ``values[k](alpha)`` lies in exactly one of their balls."""
    labels = [[] for _ in roots]
    for p in values:
        chi = _squarefree(_multiplication_by(p, g).charpoly())
        for digits in escalation(dps + 10):
            with working_precision(digits):
                targets = [r.ball for r in _roots(chi, digits)]
                found = [[n for n, t in enumerate(targets) if t.overlaps(_ball(p, root.ball))] for root in _roots(g, digits)]
            if all(len(h) == 1 for h in found):
                for lab, h in zip(labels, found):
                    lab.append(h[0])
                break
        else:
            raise PrecisionError(f"could not tell the critical filters apart at {digits} digits", dps=digits)
    return [tuple(lab) for lab in labels]


def _sign(p, f, root):
    """The sign of ``p(alpha)``: exactly 0 if ``f`` divides ``p``, else by balls (``None`` if undecided)."""
    if (p % f).is_zero():
        return 0
    value = _ball(p % f, root).real
    if value > 0:
        return 1
    if value < 0:
        return -1
    return None


def _inertia(hessian, f, root_of, dps):
    """``(positive, negative, zero)`` eigenvalues of the symmetric Hessian at the real root ``alpha`` of ``f``."""
    coeffs = _charpoly(hessian, f)
    for digits in escalation(dps + 10):
        with working_precision(digits):
            root = root_of(digits)
            signs = [_sign(c, f, root) for c in coeffs]
        if None not in signs:
            break
    else:
        raise PrecisionError(f"the Hessian's characteristic polynomial has a coefficient not decided at {digits} digits",
                             dps=digits)
    zero = next(i for i, s in enumerate(signs) if s != 0)
    nonzero = [s for s in signs[zero:] if s != 0]
    positive = sum(a != b for a, b in zip(nonzero, nonzero[1:]))  # Descartes: exact for a real-rooted polynomial
    return positive, len(hessian) - zero - positive, zero


def _kind(inertia):
    pos, neg, zero = inertia
    if pos and neg:
        return "saddle"
    if zero:
        return "degenerate"
    return "minimum" if pos else "maximum"


def _balanced(filters):
    """The rescaling of real ``filters`` (balls) with equal norms and the first nonzero entry of layers ``i < N`` positive."""
    norms = [sum((x * x for x in w), to_arb(0)) for w in filters]
    lam = to_arb(1)
    for n in norms:
        lam *= n
    lam = lam ** (to_arb(1) / len(filters))
    scales = [(lam / n).sqrt() for n in norms]
    signs = [1] * len(filters)
    for i, w in enumerate(filters[:-1]):
        first = next((x for x in w if not (x.is_exact() and x == 0)), None)
        if first is not None and first < 0:
            signs[i], signs[-1] = -1, -signs[-1]
    return [[x * c * sgn for x in w] for w, c, sgn in zip(filters, scales, signs)]


def critical_points(arch, data, *, dps=DEFAULT_DPS, seed=0):
    """All critical points of the square loss ``L = sum_j ||pi(w) x_j - y_j||^2`` for rational data, exactly.

    Parameters
    ----------
    arch : Architecture
    data : Data
        Rational data (see :func:`lcnsym.dynamics.data.validate_data`).
    dps : int
        Digits of the printed balls (the computation is exact).
    seed : int
        Seed of the generic linear form ``u`` (the result does not depend on it).

    Returns
    -------
    CriticalReport
        ``complex_count`` distinct complex critical filters ``v != 0`` (with ``v_0 != 0``), the two counts of the
        solutions on the slice (quotient dimension, certified roots of the eliminant), and the real critical points
        with their filters, losses and kinds (minimum, saddle, degenerate).

    Raises
    ------
    WorkLimitError
        Beyond :data:`MAX_UNKNOWNS` unknowns, :data:`MAX_QUOTIENT` solutions or the Groebner basis' limits.
    NumericalError
        If the critical points are not isolated (degenerate data).

    Examples
    --------
    >>> from lcnsym.dynamics.data import random_problem
    >>> arch = Architecture(4, (2, 2), (1, 1))
    >>> data, _ = random_problem(arch, 6, seed=0)
    >>> report = critical_points(arch, data, dps=20)
    >>> report.complex_count, report.routes_agree, sorted(p.kind for p in report.real)
    (5, True, ['minimum', 'saddle'])

    References
    ----------
    Proposition 2.1, Lemma 3.3.
    """
    dps = check_dps(dps)
    unknowns = _check_size(arch)
    rng = random.Random(seed)
    seconds = {}
    clock = time.perf_counter()
    A, b, c = normal_equations(arch, data)
    ctx, names, layers, v, L, equations = _system(arch, A, b, c)
    D, g, hs, radical_added = _solve(equations, ctx, names, rng)
    seconds["groebner and fglm"] = time.perf_counter() - clock
    if D == 0:
        return CriticalReport(arch, dps, 0, 0, 0, radical_added, 0, [], seconds, unknowns)
    clock = time.perf_counter()
    with working_precision(dps + 10):
        roots = _roots(g, dps + 10)
    v_mod = [_mod_eval(p, hs, names, g) for p in v]
    labels = _labels(v_mod, g, roots, dps)
    seconds["roots and labels"] = time.perf_counter() - clock
    clock = time.perf_counter()
    real = _real_points(arch, g, hs, names, layers, v_mod, L, A, b, c, labels, dps)
    seconds["real points"] = time.perf_counter() - clock
    return CriticalReport(arch, dps, D, len(roots), g.degree(), radical_added, len(set(labels)), real, seconds, unknowns)


def _real_points(arch, g, hs, names, layers, v_mod, L, A, b, c, labels, dps):
    free = names[:-1]
    hessian_polys = [[L.derivative(a).derivative(bb) for bb in free] for a in free]
    out = []
    with working_precision(dps + 10):
        all_roots = _roots(g, dps + 10)
    _, factors = g.factor()
    for f, _ in factors:
        f = f / f.coeffs()[-1]
        with working_precision(dps + 10):
            f_roots = _roots(f, dps + 10)
        for index, r in enumerate(f_roots):
            if not r.is_real:
                continue

            def root_of(digits, f=f, index=index):
                return _roots(f, digits)[index].ball

            with working_precision(dps + 10):
                alpha = r.ball
                label = labels[next(n for n, q in enumerate(all_roots) if q.ball.overlaps(alpha))]
                w_balls = [[_ball(_mod_eval(x, hs, names, f), alpha).real for x in layer] for layer in layers]
                v_balls = [_ball(p % f, alpha).real for p in v_mod]
                loss = _ball(_mod_eval(L, hs, names, f), alpha).real
                w_out = _balanced(w_balls)
            hessian = [[_mod_eval(h, hs, names, f) for h in row] for row in hessian_polys]
            inertia = _inertia(hessian, f, root_of, dps)
            w_exact = [[_mod_eval(x, hs, names, f) for x in layer] for layer in layers]
            out.append(CriticalPoint(v_balls, w_out, loss, _kind(inertia), inertia, label, f,
                                     w_exact, [p % f for p in v_mod], _mod_eval(L, hs, names, f), alpha))
    return sorted(out, key=lambda p: (p.loss.mid(), [x.mid() for x in p.v]))
