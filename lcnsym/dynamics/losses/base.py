"""What a loss is: one definition with everything the paper's proofs, the engines and the command line need.

A loss ``loss(z, y) = sum_i phi(z_i - y_i)`` is a subclass of :class:`Loss`
that declares

``name``, ``summary``, ``parameters``
    its command-line name (``pseudo-huber``), a help line, and its parameters
    (:class:`Parameter`: a name and the condition a value must meet);
``phi(r, F)`` and ``dphi(r, F)``
    ``phi`` and its derivative, written once against the arithmetic namespace
    ``F`` (``F.const``, ``F.sqrt``, ``F.exp``, ``F.log``, ``F.cosh``,
    ``F.tanh``, ``F.sech`` and ``+ - * /``), so the same formula runs on mpmath numbers,
    sympy expressions, python-flint balls and series, and the Taylor
    engine's jets (whose recurrences come from those operations);
``c1_of(F)``, ``excess_of(r, F)`` and ``h_of(L, dN, m, F)``
    the constant of (3.9) per coordinate, ``|r| <= phi(r) + c1`` (``None``
    where the loss does not use (3.9); then ``c = dN c1``); optionally the
    excess ``phi(r) + c1 - |r|`` in a form that stays accurate for huge
    ``|r|`` (the check of (3.9) decides its sign in balls); and ``h`` of (3.8),
    ``||W X - Y||_1 <= h(L)`` (by default ``L + c m``, Corollary 3.7);
``examples``, ``grid``
    the parameters the flow checks integrate with, and those the check of
    (3.9) (``cor-3.7``) covers; ``quadratic``, the ``alpha`` of
    ``phi(r) = alpha r^2`` when it is one (engines then use the normal equations).

Every loss module in :mod:`lcnsym.dynamics.losses` is found by name; a loss
of your own is added with :func:`lcnsym.dynamics.losses.register_loss`.
"""

from fractions import Fraction

from lcnsym.errors import LossDefinitionError, LossParameterError
from lcnsym.numeric import DEFAULT_DPS, MPMATH, abbreviate, ops_for, show, to_rational, working_precision

__all__ = ["Loss", "Parameter", "positive", "greater_than", "even_integer"]


class Parameter:
    """A parameter of a loss: its name, a test of a value, and the words for what is accepted.

    ``read(value)`` returns the value as an exact Fraction (or int) or raises
    :class:`~lcnsym.errors.LossParameterError` naming the loss, the parameter,
    the value and what is accepted.
    """

    def __init__(self, name, accepts, test, integer=False, maximum=None):
        self.name, self.accepts, self.test, self.integer, self.maximum = name, accepts, test, integer, maximum

    def read(self, loss_name, value):
        try:
            q = to_rational(value, f"the {loss_name} parameter {self.name}", floats=True)
        except LossParameterError:
            raise
        except Exception as exc:  # NumberError: re-raised as the loss's own error, naming the parameter
            raise LossParameterError(f"{exc}; {self.name} must be {self.accepts}", loss=loss_name, parameter=self.name,
                                     value=value) from None
        bad = not self.test(q) or (self.integer and q.denominator != 1) or (self.maximum is not None and q > self.maximum)
        if bad:
            raise LossParameterError(f"the {loss_name} loss needs {self.name} {self.accepts}, got {self.name} = {show(q)}",
                                     loss=loss_name, parameter=self.name, value=q)
        return int(q) if self.integer else q

    def __repr__(self):
        return f"Parameter({self.name}: {self.accepts})"


def positive(name, maximum=None):
    """A parameter that must be a positive number."""
    return Parameter(name, "> 0" if maximum is None else f"in (0, {maximum}]", lambda q: q > 0, maximum=maximum)


def greater_than(name, bound):
    """A parameter that must exceed ``bound``."""
    return Parameter(name, f"> {bound}", lambda q: q > bound)


def even_integer(name, smallest, maximum):
    """A parameter that must be an even whole number from ``smallest`` to ``maximum``."""
    return Parameter(name, f"an even whole number from {smallest} to {maximum}", lambda q: q >= smallest and q % 2 == 0,
                     integer=True, maximum=maximum)


class Loss:
    """A loss ``loss(z, y) = sum_i phi(z_i - y_i)`` with its constants for (3.8) and (3.9).

    Construct one with its parameters (``PseudoHuber(1)``) or from text with
    :func:`lcnsym.dynamics.losses.parse_loss` (``"pseudo-huber:1"``).  See the
    module docstring for what a subclass declares.
    """

    name = ""
    summary = ""
    parameters = ()
    examples = ((),)
    grid = ()
    reference = ""
    quadratic = None

    def __init__(self, *values):
        if not self.name:
            raise LossDefinitionError(f"{type(self).__name__} declares no name")
        if len(values) != len(self.parameters):
            names = ", ".join(p.name for p in self.parameters) or "none"
            raise LossParameterError(f"the {self.name} loss takes {len(self.parameters)} parameter(s) ({names}), "
                                     f"got {len(values)}", loss=self.name)
        self.params = tuple(p.read(self.name, v) for p, v in zip(self.parameters, values))
        for p, v in zip(self.parameters, self.params):
            setattr(self, p.name, v)

    # ---- what a definition provides (generic in the arithmetic namespace F)

    def phi(self, r, F):
        """``phi(r)`` for one coordinate of the residual."""
        raise LossDefinitionError(f"the {self.name} loss defines no phi(r, F)", loss=self.name, lacks="phi")

    def dphi(self, r, F):
        """``phi'(r)``."""
        raise LossDefinitionError(f"the {self.name} loss defines no dphi(r, F)", loss=self.name, lacks="dphi")

    def dphi_balls(self, r, F):
        """``phi'(r)`` in a form for ball arithmetic (the certified engine), where wide balls must not blow up; a
        definition whose ``dphi`` has unbounded factors (exponentials) gives one with bounded ones (tanh, sech)."""
        return self.dphi(r, F)

    def c1_of(self, F):
        """The constant of (3.9) per coordinate, ``|r| <= phi(r) + c1``, or ``None`` where (3.9) is not used."""
        return None

    def c_of(self, dN, F):
        """The constant ``c = dN c1`` of (3.9) for ``r`` in ``R^dN``, or ``None`` where (3.9) is not used."""
        c1 = self.c1_of(F)
        return None if c1 is None else dN * c1

    def excess_of(self, r, F):
        """``phi(r) + c1 - |r|`` (>= 0 by (3.9)); a definition may give a form accurate for huge ``|r|``."""
        return self.phi(r, F) + self.c1_of(F) - abs(r)

    def h_of(self, L, dN, m, F):
        """``h(L)`` of (3.8); by default ``L + c m`` (Corollary 3.7)."""
        c = self.c_of(dN, F)
        if c is None:
            raise LossDefinitionError(f"the {self.name} loss defines neither h_of nor c_of", loss=self.name, lacks="h_of")
        return L + c * m

    @property
    def decides_h_exactly(self):
        """Whether :meth:`h_at_least` can decide (an algebraic ``h``: the loss overrides it); the others' exact risk
        may not even be rational."""
        return type(self).h_at_least is not Loss.h_at_least

    def h_at_least(self, L, dN, m, value):
        """Whether ``h(L) >= value``, decided exactly for exact ``L`` and ``value``; ``None`` if this loss cannot.

        Losses whose ``h`` is algebraic (the square and ``l_p`` losses) decide it
        by powers; the checks use it where balls cannot (equality cases).
        """
        return None

    # ---- the loss in use

    def label(self):
        """The text that :func:`~lcnsym.dynamics.losses.parse_loss` reads back (``pseudo-huber:1``)."""
        return self.name if not self.params else f"{self.name}:{','.join(show(p) for p in self.params)}"

    def __repr__(self):
        return f"<loss {self.label()}: {self.summary}>"

    def __eq__(self, other):
        return isinstance(other, Loss) and (type(self), self.params) == (type(other), other.params)

    def __hash__(self):
        return hash((type(self), self.params))

    def residual_loss(self, r, *, dps=DEFAULT_DPS):
        """``sum_i phi(r_i)``: mpmath at ``dps`` digits for numbers (read exactly), exact or symbolic for sympy entries.

        Examples
        --------
        >>> from lcnsym.dynamics.losses import parse_loss
        >>> show(parse_loss("pseudo-huber:1").residual_loss([4]), 20)  # sqrt(17)
        '4.1231056256176605498'
        """
        r = list(r)
        if r and ops_for(r[0]).name == "sympy":
            F = ops_for(r[0])
            return sum((self.phi(x, F) for x in r), F.const(0))
        with working_precision(dps):
            values = [MPMATH.const(x) for x in r]
            return sum((self.phi(x, MPMATH) for x in values), MPMATH.const(0))

    def __call__(self, z, y, *, dps=DEFAULT_DPS):
        """``loss(z, y)`` for vectors ``z`` (prediction) and ``y`` (label), as :meth:`residual_loss` of ``z - y``."""
        return self.residual_loss([zi - yi for zi, yi in zip(z, y)], dps=dps)

    def c(self, dN, *, dps=DEFAULT_DPS):
        """The constant of (3.9) at ``dps`` digits (an mpmath number), or ``None`` where (3.9) is not used."""
        with working_precision(dps):
            return self.c_of(dN, MPMATH)

    def h(self, L, dN, m, *, dps=DEFAULT_DPS):
        """``h(L)`` of (3.8) at ``dps`` digits (``L`` read exactly; an mpmath number)."""
        with working_precision(dps):
            return self.h_of(MPMATH.const(L), dN, m, MPMATH)

    def require(self, use, F, what=("phi", "dphi")):
        """Check that the definition evaluates on ``F``'s values; raise :class:`LossDefinitionError` naming what it lacks.

        ``use`` names who needs it (an engine), for the message.
        """
        probe = F.const(Fraction(1, 3))
        for fn in what:
            try:
                getattr(self, fn)(probe, F)
            except LossDefinitionError:
                raise
            except Exception as exc:
                raise LossDefinitionError(
                    f"the {self.name} loss's {fn}(r, F) does not run on {use} ({type(exc).__name__}: {abbreviate(str(exc), 120)}): "
                    f"write it with F's operations (F.const, F.sqrt, F.exp, F.log, F.cosh, F.tanh, F.sech, + - * /)",
                    loss=self.name, lacks=fn, use=use) from None
