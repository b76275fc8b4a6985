"""lcnsym.dynamics.data: data read exactly and validated; the one random-problem builder; exact rank."""

from fractions import Fraction

import pytest

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import Data, MAX_DATA_ENTRIES, gram_rank, random_problem, validate_data
from lcnsym.errors import DataError, WorkLimitError

ARCH = Architecture(4, (2, 2), (1, 1))
X = [[1, 0, 2, 1, 0, -1], [0, 1, 1, -1, 2, 0], [1, 1, 0, 0, 1, 2], [2, -1, 1, 0, 0, 1]]
Y = [[1, 0, 1, 2, -1, 0], [0, 1, 1, 0, 2, 1]]


@pytest.mark.parametrize("X_,Y_,words", [
    ([[1], [2], [3]], [[1], [2]], "X has 3 rows but the architecture needs 4"),
    ([[1, 2]] * 4, [[1, 2], [3]], "row 2 of Y has 1 entries"),
    ([[1, float("nan")]] * 4, [[1, 2]] * 2, "X\\[1,2\\] is nan, not a finite number"),
    ([1, 2, 3, 4], [[1], [2]], "row 1 of X is 1, not a list of numbers"),
    ({"a": 1}, [[1]], "X must be a list of rows"),
    ([[]] * 4, [[]] * 2, "no samples"),
    ([["x", 1]] * 4, [[1, 2]] * 2, "X\\[1,1\\]: 'x' is not an exact number"),
])
def test_bad_data_is_refused_naming_the_entry(X_, Y_, words):
    with pytest.raises(DataError, match=words):
        validate_data(ARCH, X_, Y_)


def test_exact_reading_and_rank():
    data = validate_data(ARCH, X, Y)
    assert data.m == 6 and gram_rank(data) == 4 and data.column(0) == ([1, 0, 1, 2], [1, 0])
    assert validate_data(Architecture(1, (1,), (1,)), [[0.5, "1/3"]], [[1, 2]]).X == ((Fraction(1, 2), Fraction(1, 3)),)
    singular = Data(data.X[:3] + (data.X[0],), data.Y)
    assert gram_rank(singular) == 3
    nearly = Data(data.X[:3] + (tuple(q + (Fraction(1, 10**40) if j == 0 else 0) for j, q in enumerate(data.X[0])),), data.Y)
    assert gram_rank(nearly) == 4  # decided exactly, not by a tolerance


def test_random_problem_is_reproducible_and_bounded():
    a, b = random_problem(ARCH, 6, 3), random_problem(ARCH, 6, 3)
    assert a == b and a[0].m == 6 and all(c != 0 for w in a[1] for c in w)
    with pytest.raises(WorkLimitError, match=str(MAX_DATA_ENTRIES)):
        random_problem(ARCH, 10**8, 0)


def test_the_entry_limit_counts_the_labels_too():
    """Campaign O: X's and Y's entries together are held to max_entries."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import validate_data
    from lcnsym.errors import WorkLimitError

    arch = Architecture.for_output_width((2,), (1,), dN=2)  # d0 = 3
    X, Y = [[1, 2], [3, 4], [5, 6]], [[1, 1], [2, 2]]
    assert validate_data(arch, X, Y, max_entries=10) is not None
    with pytest.raises(WorkLimitError, match="more than 9 entries"):
        validate_data(arch, X, Y, max_entries=9)


def test_random_problems_draw_what_the_docstring_says():
    """Data entries k/4 with |k| <= 8, start entries +-k/4 with 1 <= k <= 8 (never zero): every value occurs over 60
    seeds, and nothing else; a start from a seed is the start from that seed's generator (a mutation pass)."""
    import random

    from lcnsym.dynamics.data import random_start

    x_values, y_values, start_values = set(), set(), set()
    for seed in range(60):
        data, w0 = random_problem(ARCH, 6, seed)
        x_values |= {q for r in data.X for q in r}
        y_values |= {q for r in data.Y for q in r}
        start_values |= {c for w in w0 for c in w}
    assert x_values == y_values == {Fraction(k, 4) for k in range(-8, 9)}  # X and Y each
    assert start_values == {Fraction(sign * k, 4) for sign in (-1, 1) for k in range(1, 9)}
    assert random_start(ARCH, 5) == random_start(ARCH, random.Random(5))


def test_random_problem_limits_its_entries_at_the_boundary():
    arch = Architecture.for_output_width((2,), (1,), dN=2)  # d0 = 3: (3 + 2) m entries
    assert random_problem(arch, 12, 0, max_entries=60)[0].m == 12
    with pytest.raises(WorkLimitError):
        random_problem(arch, 13, 0, max_entries=60)


def test_data_is_immutable():
    import dataclasses

    data, _ = random_problem(ARCH, 2, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.X = ()


def test_data_messages_and_repr_name_the_right_side_campaign_ee():
    """Campaign EE (6, 9, 13): a short row of Y is Y's; the entry limit's error carries d0; the repr's dN is Y's rows."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import Data, random_problem, validate_data
    from lcnsym.errors import DataError, WorkLimitError

    arch = Architecture(4, (2, 2), (1, 1))
    with pytest.raises(DataError) as info:
        validate_data(arch, [[1, 2]] * 4, [[1, 2], [3]])
    assert info.value.what == "Y"
    with pytest.raises(WorkLimitError) as info:
        random_problem(arch, 10**6, 0)
    assert info.value.d0 == 4 and info.value.m == 10**6
    assert repr(Data(((1, 2), (3, 4), (5, 6)), ((0, 0),))) == "Data(d0 = 3, dN = 1, m = 2)"
