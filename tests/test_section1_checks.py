"""The checks eq-1.5, prop-1.1 and prop-2.1 pass, and each fails on a deliberately wrong variant."""

import pytest
from lcnsym.algebra.architecture import Architecture, final_filter_width, stride_products
from lcnsym.algebra.coefficients import compose_filters, stride_substitute
from lcnsym.algebra.convolution import convolution_rows
from lcnsym.errors import ArchitectureError
from lcnsym.checking.evidence import CheckConfig
from lcnsym.proofs import eq_1_5, prop_1_1, prop_2_1


def test_eq_1_5_passes_and_counts():
    ev = eq_1_5.check(CheckConfig())
    assert ev.passed and ev.kind == "exact" and ev.details["valid"] > 1000 and ev.details["refused"] > 1000


class FlooringArchitecture(Architecture):
    """Wrong: rounds (d_{i-1} - k_i)/s_i down instead of refusing."""

    def __post_init__(self):
        d = self.d0
        for ki, si in zip(self.k, self.s):
            if d < ki:
                raise ArchitectureError(f"layer: {d} {ki} {si}")
            d = (d - ki) // si + 1
        super().__post_init__() if (self.d0 - self.k[0]) % self.s[0] == 0 and len(self.k) == 1 else object.__setattr__(self, "_d", (self.d0,))


def test_eq_1_5_catches_an_architecture_that_rounds():
    ev = eq_1_5.check(CheckConfig(), architecture=FlooringArchitecture)
    assert not ev.passed
    assert ev.counterexample["d0"] >= 1 and "k" in ev.counterexample


def test_eq_1_5_catches_a_vague_error_message():
    class Vague(Architecture):
        def __post_init__(self):
            try:
                super().__post_init__()
            except ArchitectureError:
                raise ArchitectureError("invalid architecture") from None

    ev = eq_1_5.check(CheckConfig(), architecture=Vague)
    assert not ev.passed and ev.counterexample["message"] == "invalid architecture"


@pytest.mark.slow
def test_prop_1_1_and_prop_2_1_pass_on_the_grid():
    for mod in (prop_1_1, prop_2_1):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.kind == "exact" and ev.instances >= 22620, ev.summary()


def test_prop_1_1_catches_a_wrong_k_v():
    def wrong_width(k, s):  # off by one in the stride product: prod_{m<=i} instead of prod_{m<i}
        prods = [p * si for p, si in zip(stride_products(s), s)]
        return 1 + sum((ki - 1) * p for ki, p in zip(k, prods))

    ev = prop_1_1.check(CheckConfig(), width=wrong_width)
    assert not ev.passed
    c = ev.counterexample
    assert c["k_v by formula"] != c["entries of pi(w)"] and c["entries of pi(w)"] == final_filter_width(c["k"], c["s"])


def test_prop_1_1_catches_a_wrong_recursion():
    def wrong_recursion(filters, strides):  # forgets to multiply up the strides: s~ = s_{N-1}
        v = list(filters[0])
        for i in range(1, len(filters)):
            v = compose_filters(v, list(filters[i]), strides[i - 1])
        return v

    ev = prop_1_1.check(CheckConfig(), final_filter=wrong_recursion)
    assert not ev.passed and ev.counterexample["s"][0] > 1 and len(ev.counterexample["s"]) >= 3


def test_prop_1_1_catches_a_wrong_convolution_matrix():
    def transposed_stride(w, d_in, s, d_out=None):  # shifts rows by s + 1
        return [{j * (s + 1) + n: wn for n, wn in enumerate(w)} for j in range((d_in - len(w)) // s + 1)]

    ev = prop_1_1.check(CheckConfig(), rows=transposed_stride)
    assert not ev.passed and ev.counterexample["row"] == 2


def test_prop_2_1_catches_an_off_by_one_stride_exponent():
    def off_by_one(w, i, s):  # prod_{n<=i} s_n instead of prod_{n<i} s_n
        return stride_substitute(list(w), stride_products(s)[i - 1] * s[i - 1])

    ev = prop_2_1.check(CheckConfig(), stride_coefficients=off_by_one)
    assert not ev.passed
    c = ev.counterexample
    assert c["deg p~_i"] != c["t_i"]


def test_prop_2_1_catches_a_product_that_is_not_the_final_filter():
    def reversed_filter(filters, strides):
        from lcnsym.algebra.coefficients import final_filter_recursive

        return final_filter_recursive(filters, strides)[::-1]

    ev = prop_2_1.check(CheckConfig(), final_filter=reversed_filter)
    assert not ev.passed and "coefficient of prod p~_i" in ev.counterexample


def test_prop_2_1_catches_a_wrong_norm():
    def scaled(w, i, s):  # right shape, wrong values: every p-norm doubles
        return [2 * c for c in stride_substitute(list(w), stride_products(s)[i - 1])]

    ev = prop_2_1.check(CheckConfig(), stride_coefficients=scaled)
    assert not ev.passed and "w^(i)" in ev.counterexample
