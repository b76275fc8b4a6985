"""The precision contract, over the whole public numeric API.

Every public function or method of the library that takes ``dps`` is found by
its signature and must have a case here; each case runs under two very
different global precisions (mpmath, python-flint and gmpy2 alike) and must
give identical results, compared exactly.  A search of the tree shows that no
module but ``lcnsym.numeric`` converts numbers or picks a working precision.
"""

from fractions import Fraction
import importlib
import inspect
from pathlib import Path
import pkgutil
import re

import flint
import gmpy2
import mpmath
import pytest

import lcnsym
from lcnsym.algebra.architecture import Architecture
from lcnsym.numeric import exact_value, to_rational

ROOT = Path(__file__).resolve().parent.parent
ARCH = Architecture(4, (2, 2), (1, 1))
W = [[Fraction(1, 3), Fraction(-2, 7)], [Fraction(5, 4), Fraction(1, 9)]]


def _data():
    from lcnsym.dynamics.data import random_problem

    return random_problem(ARCH, 6, 1)[0]


def _loss(text="log-cosh:1"):
    from lcnsym.dynamics.losses import parse_loss

    return parse_loss(text)


def _traj():
    from lcnsym.dynamics.flow import gradient_flow

    return gradient_flow(ARCH, _data(), _loss("pseudo-huber:1"), W, t_max=Fraction(1, 2), dps=25, samples=2)


def _roots():
    from lcnsym.analysis.roots import certified_roots

    return certified_roots([1, -3, Fraction(1, 3), 2], dps=30)


def _mod(name):
    return importlib.import_module(name)


def _mpf(q):
    """An mpmath input built the same way whatever the global precision."""
    numeric = _mod("lcnsym.numeric")
    with numeric.working_precision(40):
        return numeric.to_mpf(Fraction(q))


CASES = {
    "lcnsym.numeric.check_dps": lambda: _mod("lcnsym.numeric").check_dps(40),
    "lcnsym.numeric.working_precision": lambda: _mod("lcnsym.numeric").tolerance(40),
    "lcnsym.numeric.tolerance": lambda: _mod("lcnsym.numeric").tolerance(40, 3),
    "lcnsym.numeric.escalation": lambda: _mod("lcnsym.numeric").escalation(40),
    "lcnsym.analysis.roots.root_work": lambda: _mod("lcnsym.analysis.roots").root_work(30, 40),
    "lcnsym.numeric.show": lambda: _mod("lcnsym.numeric").show(_mpf(Fraction(1, 7)), 40),
    "lcnsym.numeric.show_ball": lambda: _mod("lcnsym.numeric").show_ball(_roots()[0].ball, 40),
    "lcnsym.numeric.dps_to_prec": lambda: _mod("lcnsym.numeric").dps_to_prec(40),
    "lcnsym.algebra.polynomials.coefficient_norm": lambda: _mod("lcnsym.algebra.polynomials").coefficient_norm(
        [_mpf(Fraction(1, 3)), _mpf(2)], 3, dps=40),
    "lcnsym.algebra.filters.final_filter": lambda: _mod("lcnsym.algebra.filters").final_filter(
        ARCH, [[_mpf(Fraction(1, 3)), 2], [3, _mpf(Fraction(1, 7))]], dps=40),
    "lcnsym.algebra.convolution.network_matrix": lambda: list(_mod("lcnsym.algebra.convolution").network_matrix(
        ARCH, [[_mpf(Fraction(1, 3)), 2], [3, _mpf(Fraction(1, 7))]], dps=40)),
    "lcnsym.analysis.roots.Polynomial.mp": lambda: _mod("lcnsym.analysis.roots").normalize_polynomial([1, Fraction(1, 3)]).mp(40),
    "lcnsym.analysis.roots.RootEnclosure.value": lambda: [r.value(40) for r in _roots()],
    "lcnsym.analysis.roots.certified_roots": lambda: [(r.ball, r.multiplicity) for r in _roots()],
    "lcnsym.analysis.roots.mpmath_roots": lambda: _mod("lcnsym.analysis.roots").mpmath_roots([1, -3, 0, 2], dps=30),
    "lcnsym.analysis.factorization.norm_ratio": lambda: _mod("lcnsym.analysis.factorization").norm_ratio([1, 2], [(1, 1), 3], 2, dps=40),
    "lcnsym.analysis.factorization.norm_ratio_ball": lambda: _mod("lcnsym.analysis.factorization").norm_ratio_ball(
        [1, 2], [(1, 1), 3], dps=40),
    "lcnsym.analysis.factorization.norm_constant_search": lambda: _mod("lcnsym.analysis.factorization").norm_constant_search(
        2, 3, trials=20, dps=40)[0],
    "lcnsym.analysis.factorization.root_bound": lambda: _mod("lcnsym.analysis.factorization").root_bound([1, (0, 1), (2, 1)], dps=40),
    "lcnsym.analysis.factorization.linear_factorization": lambda: _factors(
        _mod("lcnsym.analysis.factorization").linear_factorization([2, -3, Fraction(1, 3), 1], dps=40)),
    "lcnsym.analysis.factorization.factorizations_for_all_classifications": lambda: [_factors(f) for f in _mod(
        "lcnsym.analysis.factorization").factorizations_for_all_classifications([-1, 0, 0, 1], dps=40)],
    "lcnsym.dynamics.losses.base.Loss.residual_loss": lambda: _loss().residual_loss([Fraction(1, 3), 2], dps=40),
    "lcnsym.dynamics.losses.base.Loss.__call__": lambda: _loss("gen-huber:1,-1/2")([1, 2], [Fraction(1, 3), 0], dps=40),
    "lcnsym.dynamics.losses.base.Loss.c": lambda: _loss().c(3, dps=40),
    "lcnsym.dynamics.losses.base.Loss.h": lambda: _loss("lp:4").h(Fraction(1, 3), 2, 5, dps=40),
    "lcnsym.dynamics.risk.predictions": lambda: _mod("lcnsym.dynamics.risk").predictions(ARCH, [Fraction(1, 3), 2, 1], _data(), dps=40),
    "lcnsym.dynamics.risk.empirical_risk": lambda: _mod("lcnsym.dynamics.risk").empirical_risk(ARCH, W, _data(), _loss(), dps=40),
    "lcnsym.dynamics.risk.empirical_risk_ball": lambda: _mod("lcnsym.dynamics.risk").empirical_risk_ball(ARCH, W, _data(), _loss(), dps=40),
    "lcnsym.dynamics.risk.dloss_dv": lambda: _mod("lcnsym.dynamics.risk").dloss_dv(ARCH, [Fraction(1, 3), 2, 1], _data(), _loss(), dps=40),
    "lcnsym.dynamics.risk.risk_gradient": lambda: _mod("lcnsym.dynamics.risk").risk_gradient(ARCH, W, _data(), _loss(), dps=40),
    "lcnsym.dynamics.engines.taylor.field_at": lambda: _mod("lcnsym.dynamics.engines.taylor").field_at(
        _mod("lcnsym.dynamics.engines").FlowProblem(ARCH, _data(), _loss()), W, dps=40),
    "lcnsym.dynamics.bounds.g_bound": lambda: _mod("lcnsym.dynamics.bounds").g_bound(Fraction(7, 3), _loss(), _data(), 3, dps=40),
    "lcnsym.dynamics.bounds.g_bound_ball": lambda: _mod("lcnsym.dynamics.bounds").g_bound_ball(Fraction(7, 3), _loss(), _data(), 3, dps=40),
    "lcnsym.dynamics.flow.gradient_flow": lambda: _trajectory(_traj()),
    "lcnsym.dynamics.engines.Engine.integrate": lambda: _trajectory(_traj()),
    "lcnsym.dynamics.engines.taylor.TaylorEngine.integrate": lambda: _trajectory(_traj()),
    "lcnsym.dynamics.engines.odefun.OdefunEngine.integrate": lambda: _mod("lcnsym.dynamics.flow").gradient_flow(
        Architecture(2, (1, 1), (1, 1)), _mod("lcnsym.dynamics.data").random_problem(Architecture(2, (1, 1), (1, 1)), 3, 1)[0],
        _loss("square"), [[1], [2]], t_max=Fraction(1, 8), dps=25, samples=1, engine="odefun").states,
    "lcnsym.exploration.critical.critical_points": lambda: _critical().as_dict()["real"],
    "lcnsym.exploration.critical.CriticalPoint.as_dict": lambda: [p.as_dict(40) for p in _critical().real],
    "lcnsym.exploration.tightness.tightness": lambda: _tightness().as_dict()["by_degree"],
    "lcnsym.exploration.tightness.evaluate": lambda: _mod("lcnsym.exploration.tightness").evaluate(
        "2.4", _tightness().witness, dps=40),
    "lcnsym.exploration.tightness.certified_text": lambda: _mod("lcnsym.exploration.tightness").certified_text(
        _roots()[0].ball.real, 40),
    "lcnsym.exploration.landscape.classify_limit": lambda: _mod("lcnsym.exploration.landscape").classify_limit(
        ARCH, _data(), [[exact_value(x.mid()) for x in layer] for layer in _critical().real[0].w], report=_critical(),
        dps=40).as_dict(),
    "lcnsym.exploration.landscape.global_minimum": lambda: _mod("lcnsym.exploration.landscape").global_minimum(
        ARCH, _data(), _critical(), 0, 40),
    "lcnsym.exploration.landscape.Classification.as_dict": lambda: _mod("lcnsym.exploration.landscape").classify_limit(
        ARCH, _data(), [[1, 1], [1, 1]], report=_critical(), dps=40).as_dict(),
    "lcnsym.dynamics.engines.certified.CertifiedEngine.integrate": lambda: _enclosures(_certified_traj()),
    "lcnsym.dynamics.certificate.certify_flow": lambda: _certify().as_dict(),
    "lcnsym.dynamics.certificate.certify_convergence": lambda: _certify().as_dict(),
    "lcnsym.dynamics.certificate.enclosure_table": lambda: _mod("lcnsym.dynamics.certificate").enclosure_table(
        ARCH, _certified_traj().enclosures[-1], 25),
}


def _certified_traj():
    from lcnsym.dynamics.flow import gradient_flow

    return gradient_flow(ARCH, _data(), _loss("square"), W, t_max=Fraction(1, 8), dps=20, samples=1, engine="certified")


def _enclosures(traj):
    return [(e.t, e.centre, e.radius) for e in traj.enclosures]


def _certify():
    return _mod("lcnsym.dynamics.certificate").certify_flow(ARCH, _data(), _loss("square"), W, _certified_traj(), dps=20)


def _critical():
    return _mod("lcnsym.exploration.critical").critical_points(ARCH, _data(), dps=40)


def _tightness():
    return _mod("lcnsym.exploration.tightness").tightness("2.4", 2, restarts=2, steps=3, dps=40)


def _factors(f):
    return [f.T, f.B, f.sign, f.factors, f.factor_norms, f.residual, f.prec]


def _trajectory(t):
    return [t.times, t.states, t.losses, t.grad_norms, t.invariants, t.layer_norms_sq, t.balancedness_drift()]


def exact(value):
    """A value compared exactly: numbers as Fractions, balls as (midpoint, radius), containers recursively."""
    if isinstance(value, (list, tuple)):
        return [exact(v) for v in value]
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, mpmath.mpc):
        return ("mpc", exact(value.real), exact(value.imag))
    if isinstance(value, flint.acb):
        return ("acb", exact(value.real), exact(value.imag))
    if isinstance(value, flint.arb):
        return ("arb", exact_value(value), exact_value(value.rad()))
    if isinstance(value, (str, bool)):
        return value
    if hasattr(value, "free_symbols") and not getattr(value, "is_number", True):
        return str(value)
    return to_rational(value, floats=True) if value is not None else None


def public_numeric_api():
    """Every public function and method of the library whose signature has ``dps``."""
    names = set()
    for info in pkgutil.walk_packages(lcnsym.__path__, "lcnsym."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if getattr(obj, "__module__", module.__name__) != module.__name__:
                continue
            if inspect.isfunction(obj) and "dps" in inspect.signature(obj).parameters:
                names.add(f"{module.__name__}.{name}")
            elif inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if (not attr.startswith("_") or attr == "__call__") and inspect.isfunction(member) and \
                            "dps" in inspect.signature(member).parameters:
                        names.add(f"{module.__name__}.{name}.{attr}")
    return names


def test_every_public_numeric_function_has_a_case():
    missing = public_numeric_api() - set(CASES)
    assert not missing, f"add a dps-independence case for: {sorted(missing)}"


def _under(prec, rounding):
    mpmath.mp.prec, flint.ctx.prec = prec, prec
    return gmpy2.context(gmpy2.context(), precision=prec, round=rounding)


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_do_not_depend_on_anyones_global_precision(name):
    saved = mpmath.mp.prec, flint.ctx.prec
    try:
        with _under(53, gmpy2.RoundToNearest):
            low = exact(CASES[name]())
        with _under(266, gmpy2.RoundUp):  # mp.dps = 80, and a rounding no one should inherit
            high = exact(CASES[name]())
    finally:
        mpmath.mp.prec, flint.ctx.prec = saved
    assert low == high


FORBIDDEN = re.compile(
    r"mpmath\.(mpf|mpc|mpmathify)\(|\bmpf\(|gmpy2\.(mpfr|mpq|mpz)\(|\bmpfr\(|flint\.(arb|acb|fmpq|fmpz)\("
    r"|\bsp\.(Rational|Integer|Float|sympify)\(|sympy\.(Rational|Integer|Float|sympify)\(|\.numerator\)\s*/|as_integer_ratio"
    r"|man_exp|workdps|workprec|mp\.(dps|prec)\b|ctx\.(prec|dps)\b|precision=|\* 3\.3|\bfloat\("
    r"|\b(dps|DPS|prec|PREC)\s*=\s*\d|DIGITS\s*=\s*\(|_options\(\d")


def test_no_module_but_numeric_converts_numbers_or_picks_a_precision():
    offenders = []
    for folder in ("lcnsym", "proofs", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "numeric.py":
                continue
            for i, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if FORBIDDEN.search(code) and not code.strip().startswith((">>>", "...")):
                    offenders.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
