"""The losses of Section 3 (Theorems 1.2 and 3.8): one module per loss, found by name.

Each module of this package defines a subclass of :class:`~lcnsym.dynamics.losses.base.Loss`
(its name, parameters, ``phi``, ``dphi``, the constants of (3.8) and (3.9)).
The table of losses, :func:`loss_table`, is built from them; :func:`parse_loss`,
the engines, the checks, the command line's help and the docs all read it.
A loss of your own joins the table with :func:`register_loss`.

Examples
--------
>>> sorted(loss_table())
['gen-huber', 'log-cosh', 'lp', 'pseudo-huber', 'square']
>>> parse_loss("gen-huber:1,-1/2").params
(Fraction(1, 1), Fraction(-1, 2))
>>> parse_loss("lp:3")
Traceback (most recent call last):
...
lcnsym.errors.LossParameterError: the lp loss needs p an even whole number from 2 to 100, got p = 3
"""

import difflib
import importlib
import inspect
import pkgutil

from lcnsym.dynamics.losses.base import Loss, Parameter
from lcnsym.errors import LossDefinitionError, ParseError
from lcnsym.numeric import abbreviate

__all__ = ["Loss", "Parameter", "loss_table", "register_loss", "parse_loss", "loss_help", "example_losses", "grid_losses"]

_TABLE = {}
_FOUND = False


def _discover():
    global _FOUND
    if _FOUND:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Loss) and obj is not Loss and obj.__module__ == module.__name__:
                _add(obj)
    _FOUND = True


def _add(cls):
    if not isinstance(cls.name, str) or not cls.name or ":" in cls.name or "," in cls.name:
        raise LossDefinitionError(f"{cls.__name__}: a loss needs a name without ':' or ',', got {cls.name!r}")
    if cls.name in _TABLE and _TABLE[cls.name] is not cls:
        raise LossDefinitionError(f"two losses are named {cls.name!r}: {_TABLE[cls.name].__module__} and {cls.__module__}")
    _TABLE[cls.name] = cls


def loss_table():
    """``{name: Loss subclass}`` of every loss: the modules of this package and the registered ones."""
    _discover()
    return dict(_TABLE)


def register_loss(cls):
    """Add a loss of your own (a :class:`Loss` subclass) to the table; returns it, so it works as a decorator.

    Raises
    ------
    LossDefinitionError
        If it is not a Loss subclass, has no usable name, or the name is taken.
    """
    if not (inspect.isclass(cls) and issubclass(cls, Loss)):
        raise LossDefinitionError(f"register_loss takes a subclass of Loss, got {abbreviate(cls)}")
    _discover()
    _add(cls)
    return cls


def loss_help():
    """One line per loss for the command line's help: ``name:params (summary)``."""
    parts = []
    for name, cls in sorted(loss_table().items()):
        params = ",".join(p.name for p in cls.parameters)
        parts.append(f"{name}{':' + params if params else ''} ({cls.summary})")
    return "; ".join(parts)


def parse_loss(text):
    """Read a loss: ``square``, ``lp:4``, ``pseudo-huber:1``, ``gen-huber:1,0.5``, ``log-cosh:1`` (parameters exact).

    Raises
    ------
    ParseError
        An unknown name (with the closest known one) or the wrong number of parameters.
    LossParameterError
        A parameter outside its range, naming it and what is accepted.
    """
    if not isinstance(text, str):
        raise ParseError(f"a loss is given as text such as 'pseudo-huber:1', got {abbreviate(text)}")
    name, _, args = text.strip().partition(":")
    table = loss_table()
    if name not in table:
        close = difflib.get_close_matches(name, table, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParseError(f"unknown loss {abbreviate(name)}{hint}; known: {', '.join(sorted(table))}", value=name)
    cls = table[name]
    values = [a.strip() for a in args.split(",")] if args else []
    if len(values) != len(cls.parameters):
        names = ", ".join(p.name for p in cls.parameters) or "none"
        raise ParseError(f"the {name} loss takes {len(cls.parameters)} parameter(s) ({names}), got {len(values)} in "
                         f"{abbreviate(text)}", value=text)
    return cls(*values)


def example_losses():
    """The losses the flow checks integrate with: every loss at each of its ``examples``."""
    return [cls(*params) for _, cls in sorted(loss_table().items()) for params in cls.examples]


def grid_losses():
    """The losses whose (3.9) the check ``cor-3.7`` covers: every loss with a ``grid`` of parameters."""
    return [cls(*params) for _, cls in sorted(loss_table().items()) for params in cls.grid]
