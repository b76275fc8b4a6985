"""Every docstring example of the installed package (library, proofs, CLI) runs."""

import doctest
import importlib
import pkgutil

import pytest

import lcnsym


def modules():
    names = ["lcnsym"]
    for info in pkgutil.walk_packages(lcnsym.__path__, "lcnsym."):
        names.append(info.name)
    names += ["lcnsym.proofs", "lcnsym.cli", "lcnsym.cli.main"]
    # the mapped packages (proofs/, cli/) are walked explicitly
    for pkg in map(importlib.import_module, ("lcnsym.proofs", "lcnsym.cli.commands")):
        names += [f"{pkg.__name__}.{i.name}" for i in pkgutil.iter_modules(pkg.__path__)]
    return sorted(set(names))


@pytest.mark.parametrize("name", modules())
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_library_has_examples():
    total = sum(doctest.testmod(importlib.import_module(n)).attempted for n in ("lcnsym.algebra.architecture", "lcnsym.algebra.filters"))
    assert total >= 10
