"""The one error hierarchy of lcnsym.

Every error a user can reach is a :class:`LcnsymError`; the command line turns
it into a one-line message and a non-zero exit code.  Input errors are also
``ValueError`` so that generic code that catches ``ValueError`` keeps working.
"""

__all__ = [
    "LcnsymError",
    "InputError",
    "ArchitectureError",
    "FilterError",
    "ParseError",
    "PolynomialError",
    "DataError",
    "LossParameterError",
    "HypothesisFails",
    "NumericalError",
    "PrecisionError",
    "ConvergenceError",
    "RegistryError",
    "DuplicateIdError",
    "UnknownDependencyError",
    "DependencyCycleError",
]


class LcnsymError(Exception):
    """Base class of every error raised by lcnsym."""


class InputError(LcnsymError, ValueError):
    """Input that does not describe a valid object (the message says why)."""


class ArchitectureError(InputError):
    """An architecture ``(d0, k, s)`` that violates eq. (1.5) or its ranges."""


class FilterError(InputError):
    """Filters of the wrong number, length or kind for an architecture."""


class ParseError(InputError):
    """A user's text that is not a number, list or file of the expected form."""


class PolynomialError(InputError):
    """A polynomial a function cannot take (zero, constant, NaN entries...)."""


class DataError(InputError):
    """Training data ``X``, ``Y`` of the wrong shape or with invalid entries."""


class LossParameterError(InputError):
    """A loss parameter outside its range (``p`` odd, ``delta <= 0``, ...)."""


class HypothesisFails(LcnsymError):
    """The hypothesis of a result does not hold for the given input.

    For example Lemma 3.6 needs ``X X^T`` of full rank.  A check that meets
    this reports "hypothesis fails", never a pass.
    """


class NumericalError(LcnsymError, ArithmeticError):
    """A numerical computation failed at every precision it was tried at."""


class PrecisionError(NumericalError):
    """The working precision was not enough for the result to be trusted."""


class ConvergenceError(NumericalError):
    """An iteration (root finder, ODE step) did not converge."""


class RegistryError(LcnsymError):
    """The proof registry is inconsistent."""


class DuplicateIdError(RegistryError):
    """Two proof modules declare the same id."""


class UnknownDependencyError(RegistryError):
    """A proof module depends on an id no module declares."""


class DependencyCycleError(RegistryError):
    """The dependency graph of the proof modules has a cycle."""
