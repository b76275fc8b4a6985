"""Training data ``X`` (``d0 x m``) and ``Y`` (``dN x m``), read exactly, and the one builder of random problems.

Entries are Fractions (binary floats are read by their exact value, text as
in :func:`lcnsym.numeric.parse_rational`).  :func:`random_problem` is the
random data and initialization every check, command and benchmark uses.
"""

from dataclasses import dataclass
from fractions import Fraction
import random

import flint

from lcnsym.errors import DataError, NumberError, WorkLimitError
from lcnsym.numeric import abbreviate, to_fmpq, to_rational

__all__ = ["Data", "validate_data", "gram_rank", "random_problem", "random_start", "MAX_DATA_ENTRIES"]

MAX_DATA_ENTRIES = 10**6
"""The most entries ``(d0 + dN) m`` data may have (random data and files alike)."""


@dataclass(frozen=True)
class Data:
    """Training data read exactly: ``X`` (``d0 x m``) and ``Y`` (``dN x m``) as tuples of rows of Fractions."""

    X: tuple
    Y: tuple

    @property
    def m(self):
        """The number of samples."""
        return len(self.X[0])

    def column(self, j):
        """Sample ``j`` (0-based): ``(x_j, y_j)``, exact."""
        return [r[j] for r in self.X], [r[j] for r in self.Y]

    def __repr__(self):
        return f"Data(d0 = {len(self.X)}, dN = {len(self.Y)}, m = {self.m})"


def _rows(rows, expected, name, what):
    if isinstance(rows, (str, bytes, dict)) or not hasattr(rows, "__len__"):
        raise DataError(f"{name} must be a list of rows, got {abbreviate(rows)}", what=name)
    if len(rows) != expected:
        raise DataError(f"{name} has {len(rows)} rows but the architecture needs {expected} ({what})", what=name,
                        got=len(rows), expected=expected)
    out = []
    for i, r in enumerate(rows, 1):
        if isinstance(r, (str, bytes, dict)) or not hasattr(r, "__len__"):
            raise DataError(f"row {i} of {name} is {abbreviate(r)}, not a list of numbers (rows of {name} are lists: "
                            f"{name} = [[...], [...]])", what=name, row=i)
        out.append(list(r))
    return out


def validate_data(arch, X, Y, *, max_entries=MAX_DATA_ENTRIES):
    """Read ``X`` and ``Y`` exactly and check their shapes against ``arch``.

    Raises
    ------
    DataError
        Wrong numbers of rows (``X`` needs ``d0``, ``Y`` needs ``dN``), rows of
        different lengths, no samples, too many entries, or an entry that is
        not a finite number (naming it, ``X[2,3]``).

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> d = validate_data(Architecture(3, (2,), (1,)), [[1, 0], [0, 1], [1, 1]], [[1, 2], ["1/2", 1]])
    >>> d.m, d.Y[1][0]
    (2, Fraction(1, 2))
    """
    X = _rows(X, arch.d0, "X", f"d0 = {arch.d0} input coordinates")
    Y = _rows(Y, arch.dN, "Y", f"dN = {arch.dN} output coordinates")
    m = len(X[0])
    if m == 0:
        raise DataError("X has no samples (its rows are empty)")
    if (len(X) + len(Y)) * m > max_entries:
        raise WorkLimitError(f"data with {len(X) + len(Y)} rows of {m} samples has more than {max_entries} entries; "
                             f"raise the limit with --max-entries")
    for name, rows in (("X", X), ("Y", Y)):
        for i, r in enumerate(rows, 1):
            if len(r) != m:
                raise DataError(f"row {i} of {name} has {len(r)} entries but row 1 of X has m = {m}", what=name, row=i)

    def exact(rows, name):
        try:
            return tuple(tuple(to_rational(v, f"{name}[{i},{j}]", floats=True) for j, v in enumerate(r, 1))
                         for i, r in enumerate(rows, 1))
        except NumberError as exc:
            raise DataError(str(exc), **exc.data) from None

    return Data(exact(X, "X"), exact(Y, "Y"))


def gram_rank(data):
    """The rank of ``X X^T``, exactly.

    Examples
    --------
    >>> gram_rank(Data(((1, 2), (2, 4)), ((0, 0),)))
    1
    """
    X = flint.fmpq_mat([[to_fmpq(q) for q in r] for r in data.X])
    return (X * X.transpose()).rank()


def random_start(arch, rng):
    """A random start: entries ``+-k/4``, ``1 <= k <= 8`` (no zero entry), one list per layer."""
    if not isinstance(rng, random.Random):
        rng = random.Random(rng)
    return [[Fraction(rng.choice([-1, 1]) * rng.randint(1, 8), 4) for _ in range(ki)] for ki in arch.k]


def random_problem(arch, m, seed, *, max_entries=MAX_DATA_ENTRIES):
    """Random rational data with ``m`` samples and a random start: entries ``k/4``, ``|k| <= 8`` (a start has no zero entry).

    The one builder of random problems (checks, ``lcnsym flow``, benchmarks).

    Returns
    -------
    (Data, list of list of Fraction)

    Raises
    ------
    WorkLimitError
        If the data would have more than :data:`MAX_DATA_ENTRIES` entries.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> data, w0 = random_problem(Architecture(4, (2, 2), (1, 1)), 6, seed=1)
    >>> data.m, [len(w) for w in w0]
    (6, [2, 2])
    """
    if (arch.d0 + arch.dN) * m > max_entries:
        raise WorkLimitError(f"random data with d0 + dN = {abbreviate(arch.d0 + arch.dN)} rows of m = {abbreviate(m)} samples "
                             f"would have more than {max_entries} entries; raise the limit with --max-entries", m=m, d0=arch.d0)
    rng = random.Random(seed)
    X = tuple(tuple(Fraction(rng.randint(-8, 8), 4) for _ in range(m)) for _ in range(arch.d0))
    Y = tuple(tuple(Fraction(rng.randint(-8, 8), 4) for _ in range(m)) for _ in range(arch.dN))
    return Data(X, Y), random_start(arch, rng)
