"""flows-meet-critical-points: gradient flows from many starts end at listed critical points; global minima decided."""

from fractions import Fraction

from lcnsym.algebra.architecture import Architecture
from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts
from lcnsym.dynamics.data import random_problem, random_start
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.exploration.critical import critical_points
from lcnsym.errors import HorizonError
from lcnsym.exploration.landscape import classify_limit
from lcnsym.numeric import compare, show_upper, tolerance
from lcnsym.proofs._flows import until_converged

ID = "flows-meet-critical-points"
GROUP = "beyond the paper"
STATEMENT = ("on small instances (square loss), the gradient flow from every one of at least 20 random starts converges to "
             "one of the exactly computed real critical points; at each limit, whether it is a global minimum is "
             "decided by [7, Prop 5.1] or by an exact comparison, or left undecided")
DEPENDS_ON = ("critical-points", "thm-3.4")
REFERENCE = "Theorem 3.4; [7, Prop 5.1]; beyond the paper"
LIBRARY = ("lcnsym.exploration.landscape.classify_limit", "lcnsym.exploration.landscape.global_minimum")
CLI = "lcnsym flow --k 2,2 --s 1,1 --d0 4 --random-data 6 --seed 1 --classify --t-max 200 --dps 30"
EVIDENCE = ("search: flows from random starts (Taylor engine), each converged limit matched on the slice to a listed "
            "critical point within 10^-(dps-5); global minima by exact resultants or exact comparisons")
STARTS = 20
"""Starts per instance (the minimum: fewer converged limits fail the check)."""
CHUNK = 5
MATCH_DIGITS_LOST = 5
"""A limit matches a listed critical point when within ``10^-(dps - 5)`` on the slice: the check holds the library's
match to this, not to whatever acceptance it reports."""
GUARD = 5
T_MAX = {"quick": Fraction(400), "thorough": Fraction(2000)}
"""The horizon of a flow per profile (a flow stops once converged; a thorough one at rate 0.08 needs t ~ 800); one not
converged by then is tried again to 5 and 25 times it (:func:`lcnsym.proofs._flows.until_converged`)."""
MAX_STEPS = {"quick": 20000, "thorough": 200_000}
"""The most Taylor steps of one flow per profile (a thorough flow took 20,000 steps to reach t = 1535), times the
horizon's growth."""


def _instances(config):
    out = [((2, 2), (1, 1), 4, 6, config.seed + 1)]
    if config.thorough:
        out += [((2, 2), (1, 1), 4, 6, config.seed), ((2, 2), (2, 1), 6, 6, config.seed + 1)]
    return out


def _dps(config):
    """Digits of the match (``10^-(dps-5)``); the flows run with 5 guard digits to ``||grad L|| < 10^-dps``."""
    return 30 if config.thorough else 15


def parts(config):
    """``(instance index, first start)``: chunks of :data:`CHUNK` starts."""
    return [(n, first) for n in range(len(_instances(config))) for first in range(0, STARTS, CHUNK)]


def check_part(config, part, solver=critical_points):
    n, first = part
    k, s, d0, m, seed = _instances(config)[n]
    arch, dps = Architecture(d0, k, s), _dps(config)
    data, _ = random_problem(arch, m, seed)
    report = solver(arch, data, dps=dps)
    where = {"k": list(k), "s": list(s), "d0": d0, "m": m, "data seed": seed}
    matched, verdicts, kinds, accepted = 0, {}, {}, set()
    for start_seed in range(first, first + CHUNK):
        w0 = random_start(arch, 1000 * (config.seed + 1) + start_seed)
        traj, horizon = until_converged(lambda horizon, scale, w0=w0: gradient_flow(
            arch, data, parse_loss("square"), w0, horizon, dps=dps + GUARD, grad_tol=tolerance(dps + GUARD, GUARD),
            samples=2, max_steps=MAX_STEPS[config.profile] * scale, on_interrupt="raise"), T_MAX[config.profile])
        if not traj.converged:  # too short a horizon says nothing against the claim: undecided
            raise HorizonError(f"undecided: the flow from start seed {start_seed} on k = {k}, s = {s}, data seed {seed} "
                               f"had {traj.message} by t = {horizon} (||grad L|| = {show_upper(traj.grad_norms[-1])}); raise T_MAX",
                               start_seed=start_seed, **where)
        c = classify_limit(arch, data, traj.states[-1], report=report, dps=dps)
        if c.index is None:
            return Evidence(False, "search", "flows", matched,
                            counterexample={**where, "start seed": start_seed, "nearest listed point at": show_upper(c.distance),
                                            "accepted below": show_upper(c.accepted_below),
                                            "listed real points": len(report.real)})
        stated = tolerance(dps, MATCH_DIGITS_LOST)
        if c.accepted_below > stated or compare(c.distance, stated) is not True:
            return Evidence(False, "search", "flows", matched,
                            counterexample={**where, "start seed": start_seed, "matched at": show_upper(c.distance),
                                            "library's acceptance": show_upper(c.accepted_below),
                                            "stated acceptance": show_upper(stated),
                                            "problem": "a match looser than 10^-(dps - 5) on the slice"})
        matched += 1
        accepted.add(show_upper(c.accepted_below))  # the match's own acceptance, for the text
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
        verdict = c.global_minimum.split(" (")[0] if not c.global_minimum.startswith("not") else "not a global minimum"
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    return Evidence(True, "search", "flows", matched, details={"kinds": kinds, "verdicts": verdicts, "dps": dps,
                                                               "accepted below": sorted(accepted)})


def combine(config, evidences):
    kinds, verdicts, accepted = {}, {}, set()
    for e in evidences:
        accepted.update(e.details.get("accepted below", ()))
        for key, n in e.details.get("kinds", {}).items():
            kinds[key] = kinds.get(key, 0) + n
        for key, n in e.details.get("verdicts", {}).items():
            verdicts[key] = verdicts.get(key, 0) + n
    total = sum(e.instances for e in evidences)
    needed = STARTS * len(_instances(config))
    if all(e.passed for e in evidences) and total < needed:
        return Evidence(False, "search", "flows", total, counterexample={"search too small": f"ran {total}, minimum {needed}"})
    insts = _instances(config)
    scope = (f"{total} flows from random starts on {len(insts)} instance(s) ({STARTS} each; "
             f"{'; '.join(f'k = {k}, s = {s}, data seed {seed}' for k, s, _, _, seed in insts)}), all converged "
             f"(||grad L|| < {show_upper(tolerance(_dps(config) + GUARD, GUARD))} at {_dps(config) + GUARD} digits) and each limit matched a "
             f"listed real critical point within {' or '.join(sorted(accepted)) or 'nothing'} on the slice: "
             f"{', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}; global minimum: "
             f"{', '.join(f'{n} {v}' for v, n in sorted(verdicts.items()))}")
    return combine_parts(evidences, "search", scope, details={"kinds": kinds, "verdicts": verdicts})


def check(config=CheckConfig(), **variants):
    return combine(config, [check_part(config, part, **variants) for part in parts(config)])
