"""filling: which architectures are filling ([7, Thm 4.1] for stride one, a dimension count beyond it), with certificates."""

from fractions import Fraction
import itertools

import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.exploration.filling import filling
from lcnsym.numeric import parse_rational, to_sympy

ID = "filling"
GROUP = "beyond the paper"
STATEMENT = ("stride one: filling iff at most one k_i >= 2 is even [7, Thm 4.1]; any layer with k_i >= 2 at stride product "
             ">= 2: not filling; every 'not filling' carries a filter outside the image, and the dimension of the image is "
             "min(k_v, kbar - N + 1)")
DEPENDS_ON = ("prop-2.1",)
REFERENCE = "[7, Thm 4.1]; Proposition 2.1"
LIBRARY = ("lcnsym.exploration.filling.filling", "lcnsym.exploration.filling.neuromanifold_dimension")
CLI = "lcnsym arch --k 2,2 --s 1,1 --filling"
EVIDENCE = ("exact: decisions against the theorem over a grid of architectures; each certificate confirmed independently "
            "(sympy: Sturm real-root counts, exact roots); the dimension certified by a nonzero maximal minor")
MIN_ARCHITECTURES = 40


def theorem_4_1(k):
    """[7, Thm 4.1] for stride one: filling iff at most one ``k_i >= 2`` is even."""
    return sum(1 for ki in k if ki >= 2 and ki % 2 == 0) <= 1


def _grid(config):
    widths = range(1, 6 if config.thorough else 5)
    for depth in (1, 2, 3):
        for k in itertools.product(widths, repeat=depth):
            yield k, (1,) * depth
    for k in itertools.product(range(1, 4), repeat=2):
        for s in itertools.product((1, 2, 3) if config.thorough else (1, 2), repeat=2):
            if s != (1, 1):
                yield k, s


def _confirm(arch, report):
    """``None`` if the certificate of a 'not filling' report is confirmed independently (sympy), else what fails."""
    cert = report.certificate or {}
    x = sp.Symbol("x")
    v = sp.Poly([to_sympy(parse_rational(c)) for c in reversed(cert.get("filter", []))] or [0], x)
    if v.degree() != arch.k_v - 1:
        return {"certificate filter degree": v.degree(), "k_v - 1": arch.k_v - 1}
    if cert.get("argument") == "real roots":
        odd = sum(1 for ki in arch.k if ki >= 2 and ki % 2 == 0)
        # Sturm over the reals, with multiplicity (count_roots counts distinct roots: (x + 1)^2 would pass for 1 < 2)
        real = sum(m * factor.count_roots() for factor, m in v.sqf_list()[1])
        if real >= odd:
            return {"witness real roots": real, "odd-degree factors": odd}
        return None
    if cert.get("argument") == "root moduli":
        roots = sp.roots(v)
        moduli = [abs(r) for r in roots]
        if len(set(moduli)) != len(moduli) or sum(roots.values()) != arch.k_v - 1:
            return {"witness roots": [str(r) for r in roots], "problem": "moduli not distinct"}
        if not any(ki >= 2 and S >= 2 for ki, S in zip(arch.k, arch.stride_products)):
            return {"problem": "root-moduli argument without a strided layer"}
        return None
    return {"unknown certificate": cert.get("argument")}


def check(config=CheckConfig(), theorem=theorem_4_1):
    """Every architecture of the grid: the decision, the certificate, the dimension; ``theorem`` is replaceable (a false
    variant must fail)."""
    count, strided, not_filling, widest, deepest = 0, 0, 0, 0, 0
    for k, s in _grid(config):
        arch = Architecture.for_output_width(k, s)
        report = filling(arch, seed=config.seed)
        count += 1
        is_strided = any(ki >= 2 and S >= 2 for ki, S in zip(arch.k, arch.stride_products))
        strided += is_strided
        if not is_strided:
            widest, deepest = max(widest, max(k)), max(deepest, len(k))
        expected = False if is_strided else theorem(k)
        where = {"k": list(k), "s": list(s)}
        if report.filling != expected:
            return Evidence(False, "exact", "filling decisions", count,
                            counterexample={**where, "decided": report.filling, "expected": expected, "by": report.argument})
        upper = min(arch.k_v, arch.kbar - arch.N + 1)
        if not report.dimension_certified or report.dimension != upper:
            return Evidence(False, "exact", "dimensions", count,
                            counterexample={**where, "rank": report.dimension, "min(k_v, kbar - N + 1)": upper})
        if report.filling is False:
            not_filling += 1
            bad = _confirm(arch, report)
            if bad is not None:
                return Evidence(False, "exact", "certificates", count, counterexample={**where, **bad})
    if count < MIN_ARCHITECTURES:
        return Evidence(False, "exact", "filling decisions", count,
                        counterexample={"search too small": f"ran {count}, minimum {MIN_ARCHITECTURES}"})
    return Evidence(True, "exact",
                    f"{count} architectures ({count - strided} stride one with widths up to {widest} and "
                    f"depth up to {deepest}, against [7, Thm 4.1]; {strided} with a strided layer, by the dimension count): every "
                    f"decision, every dimension min(k_v, kbar - N + 1) by an exact nonzero minor, and {not_filling} "
                    f"certificates of 'not filling' confirmed by sympy (Sturm counts, exact roots)", count,
                    details={"architectures": count, "not filling": not_filling})
