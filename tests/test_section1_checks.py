"""The checks eq-1.5, prop-1.1 and prop-2.1 pass, and each fails on a deliberately wrong variant."""

import math

import pytest
import sympy as sp

from lcnsym.algebra import coefficients, convolution, polynomials
from lcnsym.algebra.architecture import Architecture, final_filter_width, shapes, stride_products
from lcnsym.algebra.coefficients import compose_filters, sparse_product, stride_substitute
from lcnsym.algebra.polynomials import coefficients_of
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


def refusing(rewrite):
    """An ``Architecture`` whose refusals go through ``rewrite(arch, exc)``: the error it returns is raised instead,
    ``exc`` itself keeps the refusal, ``None`` accepts the input."""

    class Rewritten(Architecture):
        def __post_init__(self):
            try:
                super().__post_init__()
            except ArchitectureError as exc:
                new = rewrite(self, exc)
                if new is exc:
                    raise
                if new is not None:
                    raise new from None

    return Rewritten


def test_eq_1_5_catches_a_vague_error_message():
    Vague = refusing(lambda arch, exc: ArchitectureError("invalid architecture"))
    ev = eq_1_5.check(CheckConfig(), architecture=Vague)
    assert not ev.passed and ev.counterexample["message"] == "invalid architecture"


@pytest.mark.slow
def test_prop_1_1_and_prop_2_1_pass_on_the_grid():
    import re

    for mod in (prop_1_1, prop_2_1):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.kind == "exact" and ev.instances >= 22620, ev.summary()
    # Campaign L: prop-2.1's architectures and p-norm instances are counted apart, and add up to what ran
    architectures, norms = int(ev.scope.split(" ", 1)[0]), int(re.search(r"plus (\d+) exact p-norms", ev.scope).group(1))
    assert architectures + norms == ev.instances and norms > 0


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


def test_prop_2_1_catches_a_norm_wrong_only_on_stride_substituted_filters(monkeypatch):
    """Campaign P: the random instances compare the norm of ``p~_i`` (with the stride's zeros) with that of ``w^(i)``; a
    norm that miscounts interior zeros must fail them (were ``p~`` taken at layer 1, ``q = w`` and nothing would)."""
    real = polynomials.coefficient_norm

    def miscounts_zeros(coeffs, p, **kw):
        value = real(coeffs, p, **kw)
        return value + 1 if any(c == 0 for c in list(coeffs)[1:-1]) else value

    monkeypatch.setattr(polynomials, "coefficient_norm", miscounts_zeros)
    ev = prop_2_1.check_part(CheckConfig(), ("norms",))
    assert not ev.passed and ev.counterexample


def test_prop_2_1_catches_a_product_that_is_not_the_final_filter():
    def reversed_filter(filters, strides):
        from lcnsym.algebra.coefficients import final_filter_recursive

        return final_filter_recursive(filters, strides)[::-1]

    ev = prop_2_1.check(CheckConfig(), final_filter=reversed_filter)
    assert not ev.passed and "coefficient of prod p~_i" in ev.counterexample


def test_prop_2_1_catches_a_wrong_norm():
    def scaled(w, i, s):  # right shape, wrong values: every p-norm doubles
        return [2 * c for c in stride_substitute(list(w), stride_products(s)[i - 1])]

    ev = prop_2_1.check(CheckConfig(), stride_coefficients=scaled)  # the p-norms run first
    c = ev.counterexample
    assert not ev.passed and c["|||p~|||_p"] != c["||w||_p"] and c["transcription for p~"] != c["transcription for w"]
    ev = prop_2_1.check_part(CheckConfig(), (2, 2, 1), stride_coefficients=scaled)  # and the grid's coefficients
    assert not ev.passed and "w^(i)" in ev.counterexample


# Injections from the campaign (/tmp/campaign_A.md): each false variant must make its check FAIL.


def test_prop_1_1_catches_for_output_width_ignoring_dN(monkeypatch):  # L1
    from lcnsym.algebra import architecture

    real = architecture._smallest
    monkeypatch.setattr(architecture, "_smallest", lambda cls, k, s, dN: real(cls, k, s, 1))  # always d_N = 1
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["asked d_N"] == 2 and c["d0 by eq. (1.5) backwards"] == prop_1_1.input_width(c["k"], c["s"], 2)
    assert "d_N=1" in c["for_output_width gave"]


def test_prop_1_1_catches_a_grid_with_fewer_strides(monkeypatch):  # C1
    def fewer_strides(part):  # strides of layers 2..N limited to <= 2
        if part == ("deep",):
            return prop_1_1.DEEP
        n, k1, s1 = part
        return [((k1,) + k, (s1,) + s) for k, s in shapes(n - 1, 4, 2, min_depth=n - 1)] if n > 1 else [((k1,), (s1,))]

    monkeypatch.setattr(prop_1_1, "shapes_of", fewer_strides)
    for mod in (prop_1_1, prop_2_1):
        ev = mod.check(CheckConfig())
        assert not ev.passed and "search too small" in ev.counterexample
        assert "minimum 12 (every k_i<=4, s_i<=3)" in ev.counterexample["search too small"]


def test_prop_1_1_catches_a_grid_with_fewer_parts(monkeypatch):  # C1, the parts side: the whole grid is counted too
    real = prop_1_1.parts
    monkeypatch.setattr(prop_1_1, "parts", lambda config: [p for p in real(config) if p == ("deep",) or p[2] < 3])
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed and "ran 8 distinct shapes (k_i<=4, s_i<=2)" in ev.counterexample["search too small"]["N=1"]


def test_prop_1_1_catches_a_single_input_width(monkeypatch):  # C2
    monkeypatch.setattr(prop_1_1, "output_widths", lambda k: (1,))
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed and ev.counterexample["search too small"] == "checked at 1 input width(s) d0 = [1], minimum 2"


def test_prop_1_1_catches_missing_depths():
    ev = prop_1_1.combine(CheckConfig(), [prop_1_1.check_part(CheckConfig(), p) for p in prop_1_1.parts(CheckConfig())[:12]]
                          + [prop_1_1.check_part(CheckConfig(), ("deep",))])
    assert not ev.passed and set(ev.counterexample["search too small"]) == {"N=2", "N=3", "N=4"}


def _norm_without_abs(real):
    def wrong(q, p=2, **kw):  # |||q|||_1 as the plain sum of the coefficients
        if p == 1:
            return sp.Add(*[sp.sympify(c) for c in coefficients_of(q)])
        return real(q, p, **kw)

    return wrong


def test_prop_2_1_catches_a_one_norm_without_abs(monkeypatch):  # L4
    monkeypatch.setattr(polynomials, "coefficient_norm", _norm_without_abs(polynomials.coefficient_norm))
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed and ev.counterexample["anchor"] == [1, -1] and ev.counterexample["coefficient_norm (stated form)"] == "0"
    monkeypatch.setattr(prop_2_1, "ANCHORS", [])  # the transcription alone catches it too
    monkeypatch.setattr(prop_2_1, "COMPLEX_ANCHORS", [])
    ev = prop_2_1.check(CheckConfig())
    c = ev.counterexample
    assert not ev.passed and c["p"] == "1" and c["|||p~|||_p"] != c["transcription for w"]


def test_prop_2_1_catches_a_product_with_non_cumulative_strides(monkeypatch):  # L5
    def step_strides(filters, strides):  # steps 1, s_1, ..., s_{N-1} instead of prod_{n<i} s_n
        prod_poly = None
        for w, step in zip(filters, (1,) + tuple(strides[:-1])):
            p = {j * step: wj for j, wj in enumerate(w)}
            prod_poly = p if prod_poly is None else sparse_product(prod_poly, p)
        return [prod_poly.get(i, 0 * prod_poly[0]) for i in range(max(prod_poly) + 1)]

    monkeypatch.setattr(coefficients, "final_filter_by_product", step_strides)
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed and "final_filter_by_product" in ev.counterexample and len(ev.counterexample["s"]) >= 3
    bad = prop_2_1.check_shape((2, 2, 2), (2, 2, 1))  # the campaign's instance
    assert bad is not None and len(bad["final_filter_by_product"]) == 6 and len(bad["recursion (3.11)"]) == 8


def test_prop_2_1_catches_fewer_p_values(monkeypatch):  # C3
    monkeypatch.setattr(prop_2_1, "P_VALUES", (1,))
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed and ev.counterexample["search too small"] == {
        "p = 2": "ran 0, minimum 12", "p = 3": "ran 0, minimum 12", "p = inf": "ran 0, minimum 12"}


def test_eq_1_5_catches_a_grid_with_stride_one(monkeypatch):  # C4
    monkeypatch.setattr(eq_1_5, "shapes", lambda depth, k, s, **kw: shapes(depth, k, 1, **kw))
    ev = eq_1_5.check(CheckConfig())
    assert not ev.passed
    short = ev.counterexample["search too small"]
    assert short["valid"] == "ran 1674, minimum 8262" and short["refused"] == "ran 342, minimum 36954"
    assert "ran 64 distinct shapes (k_i<=4, s_i<=1)" in short["N=3"]


def test_eq_1_5_catches_fewer_input_widths():  # C4, the d0 side
    tally = {n: ((4 * 3) ** n, 4, 3) for n in (1, 2, 3)}
    short = eq_1_5.grid_shortfall(CheckConfig(), tally, set(range(1, 13)), 8262, 36954)
    assert short == {"d0": "every shape ran at d0 in 1..12, minimum 1..24"}
    assert eq_1_5.grid_shortfall(CheckConfig(), tally, set(range(1, 25)), 8262, 36954) == {}


# Campaign A2: library injections that used to pass verify (N1-N4, N7). Each variant is the library's function with
# the campaign's one-line change.

def test_prop_2_1_catches_a_stride_polynomial_from_unreversed_coefficients(monkeypatch):  # A2 N1
    def unreversed(w, i, s, var=polynomials.x):
        coeffs = polynomials.stride_polynomial_coefficients([polynomials._as_sympy(c) for c in w], i, s)
        return sp.Poly.from_list(list(coeffs), var)  # wrong: Poly.from_list wants the leading coefficient first

    monkeypatch.setattr(polynomials, "stride_polynomial", unreversed)
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["anchor"] == "1 + 2x^2 + 3x^4" and c["stride_polynomial"] == "x**4 + 2*x**2 + 3"
    assert c["eq. (2.1)"] == "3*x**4 + 2*x**2 + 1"
    monkeypatch.setattr(prop_2_1, "STRIDE_ANCHOR", (([1, 1], 1, (1,)), {0: 1, 1: 1}))  # the random filters catch it too
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed and "k" in ev.counterexample and ev.counterexample["stride_polynomial"] != ev.counterexample["eq. (2.1)"]


def test_prop_2_1_catches_a_norm_right_for_real_coefficients_only(monkeypatch):  # A2 N7
    real = polynomials.coefficient_norm

    def squared(q, p=2, **kw):  # (c^2)^(p/2) for |c|^p: equal for real c only
        if p in (1, math.inf):
            return real(q, p, **kw)
        coeffs = [polynomials._as_sympy(c) for c in coefficients_of(q)]
        p = sp.Rational(p)
        return sp.Add(*[(c ** 2) ** (p / 2) for c in coeffs]) ** (1 / p)

    monkeypatch.setattr(polynomials, "coefficient_norm", squared)
    ev = prop_2_1.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["anchor"] == ["1+0i", "0+1i"] and c["p"] == "2" and c["coefficient_norm (stated form)"] == "0"
    assert c["known value"] == c["transcription"] == "2"


def test_prop_1_1_catches_convolution_rows_in_reverse_order(monkeypatch):  # A2 N2
    real = convolution.convolution_rows
    monkeypatch.setattr(convolution, "convolution_rows", lambda w, d_in, s, d_out=None: real(w, d_in, s, d_out)[::-1])
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["problem"] == "Pi(pi(w)) is not laid out as eq. (1.4)" and c["row"] == 1
    assert c["columns by eq. (1.4)"][0] == 1 and c["columns of the library's row"][0] > 1
    assert prop_1_1.eq_1_4_anchor()["anchor"] == "convolution_matrix(w1..w4, 8, 2) (eq. 1.4)"  # the anchor on its own


def test_prop_1_1_catches_network_matrix_matches_comparing_the_first_row_only(monkeypatch):  # A2 N3
    def first_row_only(arch, filters, final=None):
        lhs = convolution.network_rows(arch, filters)
        rhs = convolution.convolution_rows(final, arch.d0, arch.s_v, None)
        return convolution.first_row_difference(lhs[:1], rhs[:1])

    assert prop_1_1.public_route_controls() is None
    monkeypatch.setattr(convolution, "network_matrix_matches", first_row_only)
    ev = prop_1_1.check_part(CheckConfig(), ("deep",))  # the part that runs the controls, once per run
    assert not ev.passed
    c = ev.counterexample
    assert c["network_matrix_matches"] == "equal" and c["expected"] == "a difference first in row 2 (row 1 agrees)"


def test_prop_1_1_catches_network_matrix_matches_placing_the_difference_in_row_one(monkeypatch):
    """Campaign II (P11): the negative control differs first in row 2; a public route that reports the difference in
    row 1 (wherever it is) fails the control."""
    real = convolution.network_matrix_matches

    def row_one(arch, filters, final=None):
        got = real(arch, filters, final)
        return None if got is None else (0,) + tuple(got[1:])

    monkeypatch.setattr(convolution, "network_matrix_matches", row_one)
    c = prop_1_1.public_route_controls()
    assert c is not None and c["network_matrix_matches"] == "first difference in row 1"


def test_prop_1_1_catches_network_matrix_matches_seeing_differences_that_are_not_there(monkeypatch):  # A2 N3, the other way
    monkeypatch.setattr(convolution, "network_matrix_matches", lambda arch, filters, final=None: (0, 0, "a", "b"))
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed and ev.counterexample["k"] == (1,)
    assert ev.counterexample["problem"].startswith("network_matrix_matches reports a difference")


def test_eq_1_5_catches_convolution_rows_accepting_fractional_widths(monkeypatch):  # A2 N4
    def lenient(k, d_in, s):  # forgets (d_in - k) % s
        if k > d_in:
            raise ArchitectureError(f"a filter of width k = {k} with stride s = {s} does not fit an input of width {d_in}")
        return (d_in - k) // s + 1

    monkeypatch.setattr(convolution, "_output_width", lenient)
    with pytest.raises(ArchitectureError):
        Architecture(7, (2,), (2,))  # the constructor alone still refuses: that is all eq-1.5 used to test
    ev = eq_1_5.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["convolution_rows"] == "(w1..w1, d_in=2, s=2)" and c["(d_in - k)/s + 1"] == "3/2" and c["accepted with rows"] == 1
    monkeypatch.setattr(eq_1_5, "LEAST_K", 0)  # no single layers: the public convolution_matrix anchor alone
    ev = eq_1_5._convolution_layers(24)
    assert ev[1]["convolution_matrix"] == "([1, 2], 7, 2)" and ev[1]["accepted as"] == "3 x 7"


def test_eq_1_5_runs_every_single_layer_it_states(monkeypatch):
    """Campaign N: "every single layer with d_in <= D, k <= K, s <= S" is every one of them, recorded as it runs."""
    seen = set()
    real = eq_1_5._judge_layer
    monkeypatch.setattr(eq_1_5, "_judge_layer", lambda d_in, k, s: seen.add((d_in, k, s)) or real(d_in, k, s))
    count, bad = eq_1_5._convolution_layers(7)
    expected = {(d, k, s) for d in range(1, 8) for k in range(1, eq_1_5.LEAST_K + 1) for s in range(1, eq_1_5.LEAST_S + 1)}
    assert bad is None and seen == expected and count == len(expected) + 1  # and the anchor


@pytest.mark.parametrize("keeps", ["layer", "numbers"])
def test_eq_1_5_needs_the_layer_and_the_numbers_in_a_refusal(keeps):
    """Campaign R: a refusal naming the layer but not the numbers, or the numbers but not the layer, fails eq-1.5."""

    def half(arch, exc):
        layer, _, rest = str(exc).partition(":")
        return ArchitectureError(f"{layer}: the widths do not fit (eq. 1.5)" if keeps == "layer" else rest.replace("layer", ""))

    HalfVague = refusing(half)
    ev = eq_1_5.check(CheckConfig(), architecture=HalfVague)
    assert not ev.passed and "should name" in ev.counterexample


@pytest.mark.parametrize("pattern", ["last entries zero", "first entries zero", "first filter zero"])
def test_prop_2_1_compares_every_filter_set_with_zero_entries(monkeypatch, pattern):
    """Campaign R: the product route wrong on one zero pattern only (a stray constant term) fails prop-2.1's shape."""
    real = coefficients.final_filter_by_product

    def wrong_on(filters, s):
        v = list(real(filters, s))
        numbers = all(isinstance(c, int) for w in filters for c in w)
        hit = numbers and {"last entries zero": all(w[-1] == 0 for w in filters),
                           "first entries zero": all(w[0] == 0 for w in filters) and any(filters[0]),
                           "first filter zero": not any(filters[0])}[pattern]
        return [v[0] + 1] + v[1:] if hit else v

    monkeypatch.setattr(coefficients, "final_filter_by_product", wrong_on)
    bad = prop_2_1.check_shape((2, 2), (1, 1))
    assert bad is not None and "filters" in bad


def test_prop_1_1_checks_depths_one_and_two_at_three_output_widths():
    """Campaign T: d_N = 3 too for N <= 2, and the scope says so."""
    assert prop_1_1.output_widths((2,)) == prop_1_1.output_widths((2, 3)) == (1, 2, 3)
    assert prop_1_1.output_widths((2, 3, 2)) == (1, 2)


def test_eq_1_4_layout_compares_which_entry_sits_in_each_column():
    """Campaign T: a row with the right columns but its entries swapped is not the layout of eq. (1.4)."""
    stated = prop_1_1.rows_as_stated(["a", "b"], 5, 3)
    swapped = [{col: ("b" if v == "a" else "a") for col, v in row.items()} for row in stated]
    assert prop_1_1.layout_difference(stated, ["a", "b"], 5, 3) is None
    assert prop_1_1.layout_difference(swapped, ["a", "b"], 5, 3) is not None
    # campaign PP: every row is compared, the last one too (a shift in row 2 of 2)
    shifted = stated[:-1] + [{col + 1: v for col, v in stated[-1].items()}]
    bad = prop_1_1.layout_difference(shifted, ["a", "b"], 5, 3)
    assert bad is not None and bad["row"] == len(stated) == 2


def test_eq_1_5_compares_every_width_not_only_the_last():
    """Campaign T: an architecture whose middle width is off by one (the output width right) fails eq-1.5."""

    class MiddleOff(Architecture):
        @property
        def d(self):
            d = list(self._d)
            if len(d) > 2:
                d[1] += 1
            return tuple(d)

    ev = eq_1_5.check(CheckConfig(), architecture=MiddleOff)
    assert not ev.passed and "expected" in ev.counterexample


def test_prop_1_1_holds_the_public_network_matrix_matches_to_every_shape_up_to_depth_three(monkeypatch):
    """Campaign Y (Y18): a network_matrix_matches wrong only at N = 3 is caught on a depth-3 shape (the public route is
    checked for N <= 3, not N <= 2)."""
    from lcnsym.algebra import convolution
    from lcnsym.proofs import prop_1_1

    real = convolution.network_matrix_matches
    monkeypatch.setattr(convolution, "network_matrix_matches",
                        lambda arch, filters, final=None: (0, 0, "x", "y") if arch.N == 3 else real(arch, filters, final))
    cx, _ = prop_1_1.check_shape((2, 2, 2), (1, 1, 1), (1, 2))
    assert cx is not None and "network_matrix_matches reports a difference" in cx["problem"]
    assert prop_1_1.check_shape((2, 2), (1, 1), (1, 2))[0] is None


def test_eq_1_5_needs_the_stride_in_a_refusal():
    """Campaign Y (Y19): a refusal naming the layer, d_{i-1} and k_i but not s_i fails eq-1.5 (d0 = 4, k = 2, s = 3)."""

    def without_the_stride(arch, exc):
        d = arch.d0
        for i, (ki, si) in enumerate(zip(arch.k, arch.s), 1):
            if d < ki or (d - ki) % si:
                return ArchitectureError(f"layer {i}: d_{i - 1} = {d} and k_{i} = {ki} do not fit")
            d = (d - ki) // si + 1
        return exc

    NoStride = refusing(without_the_stride)
    ev = eq_1_5.check(CheckConfig(), architecture=NoStride)
    assert not ev.passed and "should name" in ev.counterexample and "s_" in ev.counterexample["should name"]


def test_eq_1_5_needs_the_stride_in_convolution_rows_refusal(monkeypatch):
    """Campaign HH (e15a): convolution_rows refusing without naming s must fail eq-1.5, as Architecture's does."""
    from lcnsym.algebra import convolution

    real = convolution.convolution_rows

    def no_stride(w, d_in, s, *rest):
        try:
            return real(w, d_in, s, *rest)
        except ArchitectureError:
            raise ArchitectureError(f"a filter of width {len(w)} does not fit {d_in} inputs") from None

    monkeypatch.setattr(convolution, "convolution_rows", no_stride)
    ev = eq_1_5.check(CheckConfig())
    assert not ev.passed and ev.counterexample["should name"].startswith("k = ")
    assert "s = " in ev.counterexample["should name"]


@pytest.mark.parametrize("malformed", range(len(eq_1_5.MALFORMED)))
def test_eq_1_5_fails_when_any_malformed_input_is_accepted(malformed):
    """Campaign HH (e15b): each malformed input is tried; an Architecture accepting that one alone fails eq-1.5."""
    args, _ = eq_1_5.MALFORMED[malformed]

    AcceptsOne = refusing(lambda arch, exc: None if (arch.d0, arch.k, arch.s) == args and type(arch.d0) is type(args[0])
                          else exc)
    ev = eq_1_5.check(CheckConfig(), architecture=AcceptsOne)
    assert not ev.passed and ev.counterexample == {"input": args, "accepted": True}


def test_prop_1_1_compares_every_row_of_the_network_matrix(monkeypatch):
    """Campaign HH (p11): comparing only the first rows passed a network matrix wrong in its last row."""
    real = prop_1_1.network_rows

    def last_row_off(arch, ws):
        rows = real(arch, ws)
        if len(rows) < 2:
            return rows
        first = min(rows[-1])
        return rows[:-1] + [{**rows[-1], first: 2 * rows[-1][first]}]

    monkeypatch.setattr(prop_1_1, "network_rows", last_row_off)
    ev = prop_1_1.check(CheckConfig())
    assert not ev.passed and "Pi(pi(w)) entry" in ev.counterexample
    assert ev.counterexample["row"] >= 2  # the last row of a matrix with more than one


def test_prop_1_1_states_the_widest_final_filter_of_the_deep_shapes(monkeypatch):
    """Campaign HH (p11b): "k_v up to" is the largest k_v over the deep shapes checked, not the last one's."""
    seen = []
    real = prop_1_1.check_shape
    monkeypatch.setattr(prop_1_1, "check_shape", lambda k, s, *a, **kw: seen.append((k, s)) or real(k, s, *a, **kw))
    ev = prop_1_1.check_part(CheckConfig(), ("deep",))
    widths = [final_filter_width(k, s) for k, s in seen]
    assert ev.passed and len(widths) >= 2 and max(widths) != widths[-1]
    assert ev.details["max k_v"] == max(widths)


def test_eq_1_5_fails_when_convolution_rows_accepts_a_wrong_output_width(monkeypatch):
    """Campaign II (E1): convolution_rows given d_out = eq. (1.5)'s + 1 must refuse; one that ignores d_out fails eq-1.5."""
    from lcnsym.algebra import convolution

    real = convolution.convolution_rows
    monkeypatch.setattr(convolution, "convolution_rows", lambda w, d_in, s, d_out=None: real(w, d_in, s))
    ev = eq_1_5.check(CheckConfig())
    assert not ev.passed and "d_out given" in ev.counterexample


def test_eq_1_5_fails_when_a_malformed_input_raises_the_wrong_error():
    """Campaign II (E4): a malformed input refused with TypeError instead of ArchitectureError fails eq-1.5."""

    class WrongError(Architecture):
        def __post_init__(self):
            if type(self.d0) is bool:
                raise TypeError("bool")
            super().__post_init__()

    ev = eq_1_5.check(CheckConfig(), architecture=WrongError)
    assert not ev.passed and ev.counterexample == {"input": (True, (1,), (1,)), "raised": "TypeError: bool"}


def test_prop_1_1_states_the_fewest_and_most_input_widths_over_every_shape(monkeypatch):
    """Campaign II (P8): "each at lo to hi input widths" is the range over every shape checked (recounted here from
    what check_shape returned), not the largest part's fewest."""
    counts = []
    real = prop_1_1.check_shape

    def spy(k, s, *args, **kwargs):
        bad, checked = real(k, s, *args, **kwargs)
        counts.append(len({d0 for _, d0 in checked}))
        return bad, checked

    monkeypatch.setattr(prop_1_1, "check_shape", spy)
    ev = prop_1_1.check(CheckConfig())
    lo, hi = min(counts), max(counts)
    assert ev.passed and lo < hi
    assert f"each at {lo} to {hi} input widths d0" in ev.scope


@pytest.mark.parametrize("from_layer", [3, 4])
def test_prop_2_1_draws_layers_deep_enough_to_catch_a_stride_polynomial_wrong_there(monkeypatch, from_layer):
    """Campaign II (Q1): the random norm instances go to depth 4; a sympy stride_polynomial wrong (times x) from layer 3
    or 4 on fails the norms part, which shrunk to depth 2 passed."""
    real = polynomials.stride_polynomial

    def wrong_deep(w, i, s, x=None):
        got = real(w, i, s, x)
        return got * got.gen if i >= from_layer else got

    monkeypatch.setattr(polynomials, "stride_polynomial", wrong_deep)
    ev = prop_2_1.check_part(CheckConfig(), ("norms",))
    assert not ev.passed and ev.counterexample["layer"] >= from_layer


@pytest.mark.parametrize("anchor", range(len(prop_2_1.COMPLEX_ANCHORS)))
def test_prop_2_1_holds_every_complex_anchor(monkeypatch, anchor):
    """Campaign II (Q7): each complex anchor is compared; a coefficient_norm off on that anchor alone fails."""
    coeffs, p, _ = prop_2_1.COMPLEX_ANCHORS[anchor]
    real = polynomials.coefficient_norm
    target = [prop_2_1.to_sympy(c) for c in coeffs]

    def off_on_one(cs, q):
        value = real(cs, q)
        return 2 * value if q == p and list(cs) == target else value

    monkeypatch.setattr(polynomials, "coefficient_norm", off_on_one)
    ev = prop_2_1.check_part(CheckConfig(), ("norms",))
    assert not ev.passed and ev.counterexample["anchor"] == [f"{re}{im:+}i" for re, im in coeffs]


def test_eq_1_5_fails_when_malformed_inputs_are_refused_without_saying_why():
    """Campaign II (E3): each malformed input's refusal must say what is wrong (its words), not merely refuse."""

    malformed = [args for args, _ in eq_1_5.MALFORMED]
    Vague = refusing(lambda arch, exc: ArchitectureError("invalid architecture") if (arch.d0, arch.k, arch.s) in malformed
                     else exc)
    ev = eq_1_5.check(CheckConfig(), architecture=Vague)
    assert not ev.passed and ev.counterexample["message"] == "invalid architecture"
    assert ev.counterexample["should say"] in [words for _, words in eq_1_5.MALFORMED]


def test_prop_2_1_holds_the_norms_to_their_transcription(monkeypatch):
    """Campaign NN: coefficient_norm wrong on longer lists (last coefficient dropped, on p~ and w alike, so the two sides
    still agree) fails against the transcription of the p-norm."""
    real = polynomials.coefficient_norm
    monkeypatch.setattr(polynomials, "coefficient_norm", lambda cs, p: real(list(cs)[:-1] if len(cs) > 3 else cs, p))
    ev = prop_2_1.check_part(CheckConfig(), ("norms",))
    assert not ev.passed and "|||p~|||_p" in ev.counterexample


def test_prop_2_1_holds_the_sympy_stride_polynomial_to_eq_2_1(monkeypatch):
    """Campaign NN: the public sympy stride_polynomial with an extra term x^(deg + 1) fails (the anchor 1 + 2x^2 + 3x^4
    first), though the coefficient lists the norms use are right."""
    real = polynomials.stride_polynomial

    def extra(w, i, s, x=None):
        got = real(w, i, s, x)
        return got + got.gen ** (got.degree() + 1)

    monkeypatch.setattr(polynomials, "stride_polynomial", extra)
    ev = prop_2_1.check_part(CheckConfig(), ("norms",))
    assert not ev.passed and "stride_polynomial" in ev.counterexample


def test_eq_1_5_fails_when_convolution_rows_returns_too_few_rows(monkeypatch):
    """Campaign NN: convolution_rows returning one row fewer than eq. (1.5)'s d_out fails eq-1.5."""
    real = convolution.convolution_rows
    monkeypatch.setattr(convolution, "convolution_rows",
                        lambda w, d_in, s, d_out=None: real(w, d_in, s, d_out) if d_out is not None else real(w, d_in, s)[:-1])
    ev = eq_1_5.check(CheckConfig())
    assert not ev.passed and ev.counterexample["rows"] == ev.counterexample["d_out by eq. (1.5)"] - 1
