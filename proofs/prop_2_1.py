"""prop-2.1: ``p_{k_v-1}(v) = prod_i p~_{k_i,s}(w^(i))``, ``deg p~_i = t_i``, ``|||p~_i|||_p = ||w^(i)||_p``."""

from fractions import Fraction
import math
import random

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.coefficients import convolve, final_filter_recursive
from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts, exact_over
from lcnsym.algebra.filters import symbolic_filters
from lcnsym.algebra.polynomials import coefficient_norm, stride_polynomial_coefficients
from lcnsym.proofs.prop_1_1 import parts as grid_parts, shapes_of

ID = "prop-2.1"
STATEMENT = (
    "p_{k_v-1}(pi(w)) = prod_i p~_{k_i,s}(w^(i)) with deg p~_i = t_i = (k_i - 1) prod_{n<i} s_n, "
    "and |||p~_i|||_p = ||w^(i)||_p"
)
DEPENDS_ON = ("prop-1.1",)
LIBRARY = ("lcnsym.algebra.polynomials.stride_polynomial_coefficients", "lcnsym.algebra.coefficients.convolve", "lcnsym.algebra.polynomials.coefficient_norm")
CLI = "lcnsym filter --k 3,2,3 --s 2,1,2 --latex"
EVIDENCE = "exact: symbolic identity over the grid of prop-1.1; exact p-norms at rational filters"
REFERENCE = "Proposition 2.1, eq. (2.1)"


def check_shape(k, s, stride_coefficients=stride_polynomial_coefficients, final_filter=final_filter_recursive):
    """``None`` if the factorization, the degrees and the coefficient supports hold for ``(k, s)``."""
    arch = Architecture.for_output_width(k, s)
    ctx, ws = symbolic_filters(arch)
    polys = [stride_coefficients(w, i, s) for i, w in enumerate(ws, 1)]
    for i, (p, w, t) in enumerate(zip(polys, ws, arch.t), 1):
        if len(p) - 1 != t:
            return {"k": k, "s": s, "layer": i, "deg p~_i": len(p) - 1, "t_i": t}
        nonzero = [c for c in p if c != 0]
        if nonzero != list(w) or p[-1] != w[-1]:  # same coefficients (so every p-norm agrees), w_k leading
            return {"k": k, "s": s, "layer": i, "coefficients of p~_i": [str(c) for c in p], "w^(i)": [str(c) for c in w]}
    product = polys[0]
    for p in polys[1:]:
        product = convolve(product, p)
    v = final_filter(ws, s)
    if len(product) != len(v):
        return {"k": k, "s": s, "deg of the product": len(product) - 1, "k_v - 1": len(v) - 1}
    for m, (a, b) in enumerate(zip(product, v)):
        if a != b:
            return {"k": k, "s": s, "power": m, "coefficient of prod p~_i": str(a), "v_{m+1}": str(b)}
    return None


def _norm_instances(config, stride_coefficients):
    """Exact p-norms of ``p~_i`` against ``w^(i)`` at random rational filters, via ``coefficient_norm``."""
    rng = random.Random(config.seed)
    count = 0
    for n in range(40 if config.thorough else 12):
        depth = rng.randint(1, 4)
        k = tuple(rng.randint(1, 4) for _ in range(depth))
        s = tuple(rng.randint(1, 3) for _ in range(depth))
        w = [Fraction(rng.randint(-50, 50), rng.randint(1, 9)) for _ in range(k[-1])]
        for p in (1, 2, 3, math.inf):
            lhs = coefficient_norm(stride_coefficients(w, depth, s), p)
            rhs = coefficient_norm(w, p)
            count += 1
            if lhs != rhs:
                return count, {"k": k, "s": s, "w": [str(c) for c in w], "p": p, "|||p~|||_p": str(lhs), "||w||_p": str(rhs)}
    return count, None


def parts(config):
    """The pieces of prop-1.1's grid, and the p-norms at random rational filters."""
    return grid_parts(config) + [("norms",)]


def check_part(config, part, **variants):
    """Prop. 2.1 on one piece of the grid, or the exact p-norm instances."""
    if part == ("norms",):
        norms, bad = _norm_instances(config, variants.get("stride_coefficients", stride_polynomial_coefficients))
        if bad is not None:
            return Evidence(False, "exact", "p-norms at rational filters", norms, counterexample=bad)
        return Evidence(True, "exact", "p-norms", norms, details={"norm instances": norms})
    return exact_over(shapes_of(part), lambda k, s: check_shape(k, s, **variants), f"part {part}, symbolic in w{{i}}_{{j}}")


def combine(config, evidences):
    """The evidence of the whole check from its parts."""
    norms = evidences[-1].details.get("norm instances", 0)
    count = sum(e.instances for e in evidences) - norms
    scope = (
        f"{count} architectures symbolic in w{{i}}_{{j}} (the grid of prop-1.1): product, degrees t_i and the coefficients "
        f"of each p~_i (hence every p-norm); plus {norms} exact p-norms (p = 1, 2, 3, inf) at random rational filters"
    )
    return combine_parts(evidences, "exact", scope)


def check(config=CheckConfig(), **variants):
    """Prop. 2.1 symbolically over the grid of prop-1.1, and the norm identity at random rational filters."""
    return combine(config, [check_part(config, p, **variants) for p in parts(config)])
