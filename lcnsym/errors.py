"""The one error hierarchy of lcnsym.

Every error a user can reach is a :class:`LcnsymError`; the command line turns
it into a one-line message and an exit code.  Input errors are also
``ValueError`` and numerical failures ``ArithmeticError``, so that generic code
that catches those keeps working.

Errors carry their data: every keyword given to the constructor becomes an
attribute (``dps``, ``t``, ``value``, ``what``...), and :attr:`LcnsymError.data`
holds them all.

Examples
--------
>>> err = PrecisionError("residual undecided at 60 digits", dps=50, needed="more than 120 digits")
>>> err.dps, err.data["needed"]
(50, 'more than 120 digits')
>>> isinstance(NumberError("x", value="abc"), ValueError)
True
"""

__all__ = [
    "LcnsymError",
    "InputError",
    "ArchitectureError",
    "FilterError",
    "ParseError",
    "NumberError",
    "PolynomialError",
    "DataError",
    "LossParameterError",
    "LossDefinitionError",
    "WorkLimitError",
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
    """Base class of every error raised by lcnsym; keyword arguments are kept as attributes."""

    def __init__(self, message="", **data):
        super().__init__(message)
        self.data = dict(data)
        for key, value in data.items():
            setattr(self, key, value)

    def __reduce__(self):  # errors cross process boundaries (verify --workers)
        return _rebuild, (type(self), str(self), self.data)


def _rebuild(cls, message, data):
    return cls(message, **data)


class InputError(LcnsymError, ValueError):
    """Input that does not describe a valid object (the message says why)."""


class ArchitectureError(InputError):
    """An architecture ``(d0, k, s)`` that violates eq. (1.5) or its ranges."""


class FilterError(InputError):
    """Filters of the wrong number, length or kind for an architecture."""


class ParseError(InputError):
    """A user's text or file that is not a list or file of the expected form."""


class NumberError(ParseError):
    """A value that cannot be read as a number of the kind asked for.

    Attributes ``value`` (the input, abbreviated when long) and ``what`` (where it was).
    """


class PolynomialError(InputError):
    """A polynomial a function cannot take (zero, constant, NaN entries...)."""


class DataError(InputError):
    """Training data ``X``, ``Y`` of the wrong shape or with invalid entries."""


class LossParameterError(InputError):
    """A loss parameter outside its range (``p`` odd, ``delta <= 0``, ...)."""


class LossDefinitionError(InputError):
    """A loss definition that lacks what a use of it needs (for example a derivative an engine must expand)."""


class WorkLimitError(InputError):
    """Work beyond a documented limit; the message says how to raise it."""


class HypothesisFails(LcnsymError):
    """The hypothesis of a result does not hold for the given input.

    For example Lemma 3.6 needs ``X X^T`` of full rank.  A check that meets
    this reports "hypothesis fails", never a pass.
    """


class NumericalError(LcnsymError, ArithmeticError):
    """A numerical computation failed at every precision it was tried at."""


class PrecisionError(NumericalError):
    """The working precision could not decide a result, even with more guard digits (undecided, not false)."""


class ConvergenceError(NumericalError):
    """An iteration (root finder, ODE step) did not converge."""


class HorizonError(NumericalError):
    """A gradient flow had not converged by the end of its time interval: undecided, not a counterexample."""


class RegistryError(LcnsymError):
    """The proof registry is inconsistent."""


class DuplicateIdError(RegistryError):
    """Two proof modules declare the same id."""


class UnknownDependencyError(RegistryError):
    """A proof module depends on an id no module declares."""


class DependencyCycleError(RegistryError):
    """The dependency graph of the proof modules has a cycle."""
