"""A user's lemma: the final filter's 1-norm is at most the product of the layers' 1-norms.

By Prop. 2.1, ``p_{k_v-1}(pi(w)) = prod_i p~_i`` with ``|||p~_i|||_1 = ||w^(i)||_1``;
Lemma 2.2 (submultiplicativity) then gives ``||pi(w)||_1 <= prod_i ||w^(i)||_1``.
"""

from fractions import Fraction
import random

from lcnsym.algebra.architecture import Architecture
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.algebra.filters import final_filter

ID = "final-filter-1-norm"
STATEMENT = "||pi(w)||_1 <= prod_i ||w^(i)||_1"
DEPENDS_ON = ("prop-2.1", "lemma-2.2")
REFERENCE = "Prop. 2.1 and Lemma 2.2"


def check(config=CheckConfig(), factor=1):
    """Exact rationals at random filters and architectures; ``factor`` < 1 makes the claim false."""
    rng = random.Random(config.seed)
    worst = Fraction(0)
    trials = 2000 if config.thorough else 200
    for n in range(trials):
        depth = rng.randint(1, 4)
        arch = Architecture.for_output_width(
            tuple(rng.randint(1, 4) for _ in range(depth)), tuple(rng.randint(1, 3) for _ in range(depth))
        )
        w = [[Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(k)] for k in arch.k]
        lhs = sum(abs(c) for c in final_filter(arch, w))
        rhs = Fraction(1)
        for layer in w:
            rhs *= sum(abs(c) for c in layer)
        rhs *= factor
        if lhs > rhs:
            return Evidence(False, "search", f"{trials} random rational instances", n + 1,
                            counterexample={"k": arch.k, "s": arch.s, "w": [[str(c) for c in l] for l in w],
                                            "||pi(w)||_1": str(lhs), "bound": str(rhs)})
        if rhs:
            worst = max(worst, lhs / rhs)
    return Evidence(True, "search", "random architectures N<=4, k_i<=4, s_i<=3, exact rational filters", trials,
                    worst_margin=f"largest ||pi(w)||_1 / prod ||w^(i)||_1 = {float(worst):.4f}")
