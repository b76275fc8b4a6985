"""thm-3.4: ``L`` analytic (Lojasiewicz) with ``||pi(w)||_1 <= g(L(w))`` implies the flow is bounded and converges."""

from lcnsym.checking.evidence import CheckConfig, run_in_turn
from lcnsym.dynamics.engines import DEFAULT_ENGINE
from lcnsym.proofs._flows import flow_combine, flow_part, flow_parts

ID = "thm-3.4"
STATEMENT = "if ||pi(w)||_1 <= g(L(w)) with g non-decreasing, the flow exists for all t >= 0, is bounded and converges to a critical point"
DEPENDS_ON = ("lemma-3.3", "lemma-3.5")
REFERENCE = "Theorem 3.4"
LIBRARY = ("lcnsym.dynamics.flow.gradient_flow", "lcnsym.dynamics.engines.taylor.TaylorEngine", "lcnsym.dynamics.bounds.tau", "lcnsym.dynamics.bounds.g_bound")
CLI = "lcnsym flow --k 2,2 --s 1,1 --t-max 20"
EVIDENCE = ("search: integrated flows at 30 digits: L non-increasing, dL/dt = -||grad L||^2, bounded by tau, gradient below 1e-20, critical limit at 50 digits"
            "; the engine's jets against mpmath's expansion of the gradient; negative controls for the energy, criticality and "
            "Krawczyk tests"
            "; certified: one flow per loss enclosed by the certified engine, with a convergence certificate (Krawczyk, "
            "Hessian positive definite on the balanced slice)")


def parts(config):
    """One part per flow."""
    return flow_parts(("square", "log-cosh:1"), config)


def check_part(config, part, t_max=None, engine=DEFAULT_ENGINE):
    """One flow."""
    return flow_part(config, part, check_h=False, t_max=t_max, engine=engine)


def combine(config, evidences, t_max=None, engine=DEFAULT_ENGINE):
    """The flows together."""
    return flow_combine(config, evidences, "square and log-cosh losses", check_h=False,
                        t_max=t_max, engine=engine, losses=("square", "log-cosh:1"))


def check(config=CheckConfig(), t_max=None, engine=DEFAULT_ENGINE):
    """Every flow, one after another, then :func:`combine`, as a parallel run does; a ``t_max`` too short to converge
    makes it fail, honestly."""
    return run_in_turn(parts(config), lambda part: check_part(config, part, t_max, engine),
                       lambda evidences: combine(config, evidences, t_max, engine))
