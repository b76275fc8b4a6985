"""eq-1.5: the widths ``d_i = (d_{i-1} - k_i)/s_i + 1`` are positive integers, or the architecture is refused."""

from fractions import Fraction

from lcnsym.algebra.architecture import Architecture, shapes
from lcnsym.errors import ArchitectureError
from lcnsym.checking.evidence import CheckConfig, Evidence

ID = "eq-1.5"
STATEMENT = "An architecture (d0, k, s) is valid iff every d_i = (d_{i-1} - k_i)/s_i + 1 is a positive integer"
DEPENDS_ON = ()
LIBRARY = ("lcnsym.algebra.architecture.Architecture",)
CLI = "lcnsym arch --d0 20 --k 4,3 --s 2,1"
EVIDENCE = "exact: every (d0, k, s) of a grid accepted with the right widths or refused naming the layer and numbers"
REFERENCE = "Eq. (1.5)"

MALFORMED = [
    ((5, (2, 2), (1,)), "k has 2 entries but s has 1"),
    ((5, (), ()), "at least one layer"),
    ((5, (0,), (1,)), "k_1 must be at least 1"),
    ((5, (2,), (0,)), "s_1 must be at least 1"),
    ((0, (1,), (1,)), "d0 must be at least 1"),
    ((5, (2.0,), (1,)), "k_1 must be a whole number"),
    ((True, (1,), (1,)), "d0 must be a whole number"),
]


def expected_widths(d0, k, s):
    """Widths by eq. (1.5) in exact arithmetic: ``(widths, None)`` or ``(None, (layer, d_prev, k_i, s_i))``."""
    widths = [d0]
    for i, (ki, si) in enumerate(zip(k, s), 1):
        di = Fraction(widths[-1] - ki, si) + 1
        if di.denominator != 1 or di < 1:
            return None, (i, widths[-1], ki, si)
        widths.append(int(di))
    return tuple(widths), None


def _judge(architecture, d0, k, s):
    """``None`` if the constructor behaves as eq. (1.5) says, else what went wrong."""
    widths, bad = expected_widths(d0, k, s)
    try:
        arch = architecture(d0, k, s)
    except ArchitectureError as exc:
        if widths is not None:
            return {"d0": d0, "k": k, "s": s, "expected widths": widths, "refused with": str(exc)}
        i, d_prev, ki, si = bad
        msg = str(exc)
        if f"layer {i}" not in msg or not all(f"{n}" in msg for n in (d_prev, ki, si)):
            return {"d0": d0, "k": k, "s": s, "message": msg, "should name": f"layer {i}, d_{i-1}={d_prev}, k_{i}={ki}, s_{i}={si}"}
        return None
    if widths is None:
        return {"d0": d0, "k": k, "s": s, "accepted with widths": tuple(getattr(arch, "d", ())), "but fails at layer": bad[0]}
    if tuple(arch.d) != widths:
        return {"d0": d0, "k": k, "s": s, "widths": tuple(arch.d), "expected": widths}
    return None


def check(config=CheckConfig(), *, architecture=Architecture):
    """Every ``(d0, k, s)`` of a grid is accepted with the right widths or refused naming the layer and numbers."""
    max_d0, depth = (40, 4) if config.thorough else (24, 3)
    valid = refused = 0
    for k, s in shapes(depth, 4, 3):
        for d0 in range(1, max_d0 + 1):
            bad = _judge(architecture, d0, k, s)
            if bad is not None:
                return Evidence(False, "exact", f"grid d0<={max_d0}, N<={depth}, k_i<=4, s_i<=3", valid + refused + 1, counterexample=bad)
            if expected_widths(d0, k, s)[0] is None:
                refused += 1
            else:
                valid += 1
    for args, words in MALFORMED:
        try:
            architecture(*args)
        except ArchitectureError as exc:
            if words not in str(exc):
                return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "message": str(exc), "should say": words})
            continue
        except Exception as exc:  # a wrong error type is a failure too
            return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "raised": f"{type(exc).__name__}: {exc}"})
        return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "accepted": True})
    return Evidence(
        True,
        "exact",
        f"every (d0, k, s) with d0<={max_d0}, N<={depth}, k_i<=4, s_i<=3 ({valid} valid, {refused} refused "
        f"naming the layer and numbers) and {len(MALFORMED)} malformed inputs",
        valid + refused + len(MALFORMED),
        details={"valid": valid, "refused": refused},
    )
