"""What a check returns: pass or fail, and the evidence behind it.

Every check names the kind of evidence it produced, so a reader can tell an
exact identity from a numerical search:

``exact``
    an identity verified in exact arithmetic (rationals, exact polynomials),
    over the instances listed in ``scope``;
``search``
    a search over ``instances`` instances, with the ``worst_margin`` found
    (how close the claim came to failing);
``certified``
    a statement proved for each instance by certified enclosures (ball
    arithmetic).
"""

from dataclasses import dataclass, field, asdict

from lcnsym.errors import InputError

__all__ = ["Evidence", "CheckConfig", "EVIDENCE_KINDS", "PROFILES", "combine_parts", "exact_over", "run_in_turn"]

EVIDENCE_KINDS = ("exact", "search", "certified")
PROFILES = ("quick", "thorough")


@dataclass(frozen=True)
class CheckConfig:
    """How hard a check works: the profile and the seed of every random search.

    Parameters
    ----------
    profile : {"quick", "thorough"}
        ``quick`` fits the whole paper into minutes; ``thorough`` widens grids.
    seed : int
        Seed of every random choice, so that a run can be reproduced.
    """

    profile: str = "quick"
    seed: int = 0

    def __post_init__(self):
        if self.profile not in PROFILES:
            raise InputError(f"profile must be one of {', '.join(PROFILES)}, got {self.profile!r}", value=self.profile)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise InputError(f"seed must be a whole number, got {self.seed!r}", value=self.seed)

    @property
    def thorough(self):
        return self.profile == "thorough"


@dataclass
class Evidence:
    """The outcome of one check.

    Parameters
    ----------
    passed : bool
        Whether the claim held on every instance.
    kind : {"exact", "search", "certified"}
        The kind of evidence (see the module docstring).
    scope : str
        Over what it was shown, e.g. ``"22620 architectures, N<=4, k_i<=4, s_i<=3"``.
    instances : int
        How many instances were examined.
    worst_margin : str or None
        For a search, the worst margin found (as text, exact or decimal).
    counterexample : dict or None
        On failure, the first instance where the claim failed, with the numbers.
    details : dict
        Further figures, JSON-ready.
    seconds : float
        Wall time of the check (filled in by the runner).
    assumptions : list of str
        Results taken as given instead of checked in this run (``verify --no-deps``).

    Examples
    --------
    >>> e = Evidence(True, "exact", "3 architectures", 3)
    >>> e.summary()
    'exact identity over 3 architectures'
    """

    passed: bool
    kind: str
    scope: str
    instances: int = 0
    worst_margin: object = None
    counterexample: object = None
    details: dict = field(default_factory=dict)
    seconds: float = 0.0
    assumptions: list = field(default_factory=list)

    def __post_init__(self):
        if type(self.passed) is not bool:  # a list of failures or the text "False" must not read as a pass
            raise InputError(f"evidence's passed must be True or False, got {self.passed!r}", value=self.passed)
        if self.kind not in EVIDENCE_KINDS:
            raise InputError(f"evidence kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}", value=self.kind)

    def summary(self):
        """One line saying what evidence was produced."""
        if self.kind == "exact":
            text = f"exact identity over {self.scope}"
        elif self.kind == "certified":
            text = f"certified enclosures over {self.scope}"
        else:
            text = f"search over {self.instances} instances ({self.scope})"
        if self.worst_margin is not None:
            text += f"; worst margin {self.worst_margin}"
        if not self.passed and self.counterexample is not None:
            text += f"; counterexample: {self.counterexample}"
        if self.assumptions:
            text += "; assuming the recorded results of " + ", ".join(self.assumptions)
        return text

    def as_dict(self):
        """A JSON-ready dictionary."""
        out = asdict(self)
        out["summary"] = self.summary()
        return out


def run_in_turn(parts, check_part, combine):
    """A split check run one part after another, stopping at the first failure, then ``combine``: the same parts and
    the same combination as a parallel run, one code path for both.

    Examples
    --------
    >>> run_in_turn([1, 2, 3], lambda n: Evidence(n != 2, "exact", f"part {n}", 1), lambda evs: [e.scope for e in evs])
    ['part 1', 'part 2']
    """
    evidences = []
    for part in parts:
        evidences.append(check_part(part))
        if not evidences[-1].passed:
            break
    return combine(evidences)


def combine_parts(evidences, kind, scope, details=None):
    """One evidence from the evidences of the parts of a split search.

    The first failing part (in the parts' order, so the same for a serial and a
    parallel run) gives the counterexample; instances are summed.

    Examples
    --------
    >>> combine_parts([Evidence(True, "exact", "a", 2), Evidence(True, "exact", "b", 3)], "exact", "a and b").instances
    5
    """
    total = sum(e.instances for e in evidences)
    for e in evidences:
        if not e.passed:
            return Evidence(False, e.kind, e.scope, total, e.worst_margin, e.counterexample, dict(e.details))
    return Evidence(True, kind, scope, total, details=details or {})


def exact_over(instances, judge, scope):
    """Exact evidence over ``instances``: ``judge(*instance)`` returns ``None`` or a counterexample.

    Stops at the first counterexample.  No instance at all is a failure ("search too small"): an identity over
    nothing is not evidence.

    Examples
    --------
    >>> exact_over([(1,), (2,), (3,)], lambda n: None if n < 3 else {"n": n}, "n <= 3").counterexample
    {'n': 3}
    """
    count = 0
    for instance in instances:
        count += 1
        bad = judge(*instance)
        if bad is not None:
            return Evidence(False, "exact", scope, count, counterexample=bad)
    if not count:
        return Evidence(False, "exact", scope, 0, counterexample={"search too small": "no instance ran"})
    return Evidence(True, "exact", scope, count)
