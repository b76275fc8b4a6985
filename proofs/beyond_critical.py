"""critical-points: all critical points of the square loss on small instances, counted two ways, the real ones exact."""

from lcnsym.algebra.architecture import Architecture
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.risk import normal_equations
from lcnsym.exploration.critical import critical_points, gradient_at
from lcnsym.numeric import DEFAULT_DPS

ID = "critical-points"
GROUP = "beyond the paper"
STATEMENT = ("for the square loss and rational data, the critical points of L on a slice of the rescalings are finitely "
             "many; their number is the same by the quotient ring's dimension and by the certified roots of the "
             "eliminating polynomial, and every real one listed is critical, exactly")
DEPENDS_ON = ("prop-2.1", "lemma-3.3")
REFERENCE = "Proposition 2.1, Lemma 3.3 (the rescaling symmetry); beyond the paper"
LIBRARY = ("lcnsym.exploration.critical.critical_points", "lcnsym.exploration.critical.gradient_at")
CLI = "lcnsym critical --k 2,2 --s 1,1 --d0 4 --random-data 6 --json"
EVIDENCE = ("exact: Groebner basis (degrevlex) and FGLM over Q; the two counts compared; grad L at every real point "
            "zero exactly in Q(alpha), computed from the definition")
MIN_INSTANCES = 5


def instances(config):
    """Small instances ``(k, s, d0, m, seed)``: stride one, strided, unequal widths."""
    seeds = range(config.seed, config.seed + (6 if config.thorough else 3))
    out = [((2, 2), (1, 1), 4, 6, seed) for seed in seeds]
    out += [((2, 2), (2, 1), 6, 6, config.seed + 1), ((3, 2), (1, 1), 5, 7, config.seed + 1), ((3,), (1,), 4, 5, config.seed)]
    if config.thorough:
        out += [((2, 2), (1, 2), 5, 6, config.seed + 3), ((2, 1, 2), (1, 1, 1), 5, 7, config.seed)]
    return out


def _shapes(insts):
    seen = []
    for k, s, *_ in insts:
        text = f"k = {','.join(map(str, k))}, s = {','.join(map(str, s))}"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


def check(config=CheckConfig(), solver=critical_points):
    """Every instance: the counts agree and each listed real point is critical; ``solver`` is replaceable."""
    done, complex_total, real_total, kinds = 0, 0, 0, {}
    for k, s, d0, m, seed in instances(config):
        arch = Architecture(d0, k, s)
        data, _ = random_problem(arch, m, seed)
        report = solver(arch, data, dps=DEFAULT_DPS)
        where = {"k": list(k), "s": list(s), "d0": d0, "m": m, "data seed": seed}
        done += 1
        if not report.routes_agree:
            return Evidence(False, "exact", "solution counts", done,
                            counterexample={**where, "quotient dimension": report.quotient_dimension,
                                            "distinct certified roots": report.distinct_roots})
        A, b, _ = normal_equations(arch, data)
        for n, point in enumerate(report.real, 1):
            grad = gradient_at(arch, A, b, point)
            if not all(g.is_zero() for g in grad):
                return Evidence(False, "exact", "gradients at the listed points", done,
                                counterexample={**where, "point": n, "grad L": "nonzero in Q(alpha)",
                                                "v": [str(x.mid()) for x in point.v]})
            kinds[point.kind] = kinds.get(point.kind, 0) + 1
        complex_total += report.complex_count
        real_total += len(report.real)
    if done < MIN_INSTANCES:
        return Evidence(False, "exact", "instances", done, counterexample={"search too small": f"ran {done}, minimum {MIN_INSTANCES}"})
    return Evidence(True, "exact",
                    f"{done} instances ({_shapes(instances(config)[:done])}): both counts agree on each; "
                    f"{complex_total} complex critical filters, {real_total} real critical points "
                    f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}), each with grad L = 0 exactly",
                    done, details={"complex filters": complex_total, "real points": real_total, "kinds": kinds})
