"""lcnsym.errors: one hierarchy; errors carry their data and survive pickling (they cross process boundaries)."""

import pickle

import lcnsym.errors as errors
from lcnsym.errors import ConvergenceError, LcnsymError, NumberError, PrecisionError


def test_every_error_is_in_the_hierarchy():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), LcnsymError), name


def test_errors_carry_their_data_and_pickle():
    err = ConvergenceError("the step collapsed", t=3, dps=30)
    assert (err.t, err.dps, err.data) == (3, 30, {"t": 3, "dps": 30})
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ConvergenceError and str(again) == "the step collapsed" and again.t == 3
    assert isinstance(PrecisionError("x"), ArithmeticError) and isinstance(NumberError("x", value="y"), ValueError)
