"""thm-3.8: the flow converges for the l_p, pseudo-Huber, generalized Huber and log-cosh losses."""

from lcnsym.checking.evidence import CheckConfig, run_in_turn
from lcnsym.dynamics.engines import DEFAULT_ENGINE
from lcnsym.proofs._flows import LOSSES, flow_combine, flow_part, flow_parts

ID = "thm-3.8"
STATEMENT = "for the l_p (p even), pseudo-Huber, generalized Huber and log-cosh losses the gradient flow converges to a critical point"
DEPENDS_ON = ("thm-3.4", "lemma-3.6", "cor-3.7")
REFERENCE = "Theorem 3.8, eq. (3.8)"
LIBRARY = ("lcnsym.dynamics.losses.parse_loss", "lcnsym.dynamics.flow.gradient_flow", "lcnsym.dynamics.losses.base.Loss")
CLI = "lcnsym flow --k 3,2 --s 2,1 --loss log-cosh:1 --t-max 50"
EVIDENCE = ("search: per loss, (3.8) ||WX - Y||_1 <= h(L) along the flow and the checks of thm-3.4"
            "; certified: one flow of every loss but gen-huber:2,-3/2 enclosed by the certified engine, with a "
            "convergence certificate (Krawczyk, Hessian positive definite on the balanced slice)")


def parts(config):
    """One part per flow."""
    return flow_parts(LOSSES, config)


def check_part(config, part, t_max=None, engine=DEFAULT_ENGINE):
    """One flow."""
    return flow_part(config, part, check_h=True, t_max=t_max, engine=engine)


def combine(config, evidences, t_max=None, engine=DEFAULT_ENGINE):
    """The flows together."""
    return flow_combine(config, evidences, "losses " + ", ".join(LOSSES) + ", with (3.8) along each", check_h=True,
                        t_max=t_max, engine=engine, losses=LOSSES)


def check(config=CheckConfig(), t_max=None, engine=DEFAULT_ENGINE):
    """Every flow, one after another, then :func:`combine`, as a parallel run does; a ``t_max`` too short to converge
    makes it fail, honestly."""
    return run_in_turn(parts(config), lambda part: check_part(config, part, t_max, engine),
                       lambda evidences: combine(config, evidences, t_max, engine))
