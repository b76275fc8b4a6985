"""thm-1.2: for the square loss the gradient flow converges to a critical point."""

from lcnsym.checking.evidence import CheckConfig, run_in_turn
from lcnsym.dynamics.engines import DEFAULT_ENGINE
from lcnsym.proofs._flows import flow_combine, flow_part, flow_parts

ID = "thm-1.2"
STATEMENT = "for the square loss ||y - z||_2^2 and any initialization, the gradient flow converges to a critical point of L"
DEPENDS_ON = ("thm-3.8",)
REFERENCE = "Theorem 1.2"
LIBRARY = ("lcnsym.dynamics.flow.gradient_flow", "lcnsym.dynamics.losses.square.Square")
CLI = "lcnsym flow --k 2,2 --s 1,1 --loss square --t-max 20"
EVIDENCE = ("search: square-loss flows: the checks of thm-3.4 and (3.8) with h(L) = dN m sqrt(L)"
            "; certified: one flow per loss enclosed by the certified engine, with a convergence certificate (Krawczyk, "
            "Hessian positive definite on the balanced slice)")


def parts(config):
    """One part per flow."""
    return flow_parts(("square",), config)


def check_part(config, part, t_max=None, engine=DEFAULT_ENGINE):
    """One flow."""
    return flow_part(config, part, check_h=True, t_max=t_max, engine=engine)


def combine(config, evidences, t_max=None, engine=DEFAULT_ENGINE):
    """The flows together."""
    return flow_combine(config, evidences, "square loss, with (3.8) along each", check_h=True,
                        t_max=t_max, engine=engine, losses=("square",))


def check(config=CheckConfig(), t_max=None, engine=DEFAULT_ENGINE):
    """Every flow, one after another, then :func:`combine`, as a parallel run does; a ``t_max`` too short to converge
    makes it fail, honestly."""
    return run_in_turn(parts(config), lambda part: check_part(config, part, t_max, engine),
                       lambda evidences: combine(config, evidences, t_max, engine))
