"""Section 2.2's checks lemma-2.2, lemma-2.3, lemma-2.4: they pass, and each fails with a counterexample on a false variant."""

from fractions import Fraction

import pytest

from lcnsym.analysis.factorization import root_bound
from lcnsym.checking.evidence import CheckConfig
from lcnsym.errors import PrecisionError
from lcnsym.proofs import lemma_2_2, lemma_2_3, lemma_2_4


@pytest.mark.parametrize("mod", [lemma_2_2, lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
def test_lemma_checks_pass(mod):
    ev = mod.check(CheckConfig())
    assert ev.passed and ev.instances > 50 and ev.worst_margin, ev.summary()


def test_lemma_2_2_false_variants_are_caught():
    ev = lemma_2_2.check(CheckConfig(), norm=2)
    assert not ev.passed and float(ev.counterexample["ratio"]) > 1
    ev = lemma_2_2.check(CheckConfig(), constant=Fraction(99, 100))
    assert not ev.passed and ev.counterexample["claimed constant"] == "99/100"


def test_lemma_2_3_without_the_factor_n_is_caught():
    ev = lemma_2_3.check(CheckConfig(), bound=lambda p: root_bound(p) / p.degree)
    assert not ev.passed
    assert float(ev.counterexample["|x|^2 (ball)"]) > float(Fraction(ev.counterexample["A^2"]))


def test_lemma_2_4_with_a_smaller_constant_is_caught():
    largest = Fraction(lemma_2_4.check(CheckConfig()).details["largest ratio"]) * Fraction(99, 100)
    ev = lemma_2_4.check(CheckConfig(), constant=largest)
    assert not ev.passed and "exceeds" in ev.counterexample["why"]


def test_lemma_2_4_reports_a_precision_shortfall_as_undecided_not_as_false(monkeypatch):
    from lcnsym.analysis import factorization

    monkeypatch.setattr(factorization, "MAX_GUARD_DIGITS", 10)
    monkeypatch.setattr(factorization, "RESIDUAL_DIGITS_LOST", -60)
    with pytest.raises(PrecisionError):
        lemma_2_4.check(CheckConfig())


def test_lemma_2_2_a_search_shrunk_below_its_minimum_fails():
    from lcnsym.checking.evidence import CheckConfig
    from lcnsym.proofs import lemma_2_2

    ev = lemma_2_2.check(CheckConfig(), pairs=12)
    assert not ev.passed and "all" in ev.counterexample["search too small"]


@pytest.mark.parametrize("field_name, factor", [("roots_product_bound", Fraction(11, 10)), ("T", Fraction(101, 100))])
def test_lemma_2_4_catches_library_constants_that_are_not_the_papers(monkeypatch, field_name, factor):
    """An injected 3.3 B n^r in (2.5) (a looser bound, still true, but not the paper's) passed every check before."""
    import dataclasses

    real = lemma_2_4.factorizations_for_all_classifications

    def loosened(coeffs, dps):
        out = []
        for f in real(coeffs, dps):
            value = getattr(f, field_name)
            out.append(dataclasses.replace(f, **{field_name: value * factor}) if value is not None else f)
        return out

    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications", loosened)
    ev = lemma_2_4.check(CheckConfig())
    assert not ev.passed and ev.counterexample["why"] == "a constant differs from RESULTS.md"
