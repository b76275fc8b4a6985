from types import SimpleNamespace

import pytest

from lcnsym.errors import DependencyCycleError, DuplicateIdError, RegistryError, UnknownDependencyError
from lcnsym.checking.evidence import CheckConfig, Evidence
from helpers import toy_check_module
from lcnsym.checking.registry import Registry, discover
from lcnsym.checking.runner import run


module = toy_check_module


def test_discovery_finds_the_papers_checks_by_name():
    reg = discover()
    assert {"eq-1.5", "prop-1.1", "prop-2.1"} <= set(reg.checks)
    order = reg.order()
    assert order.index("eq-1.5") < order.index("prop-1.1") < order.index("prop-2.1")
    assert reg.graph.has_edge("prop-1.1", "prop-2.1")


def test_cycle_is_refused_naming_the_cycle():
    with pytest.raises(DependencyCycleError) as info:
        Registry.from_modules([module("a", ("c",)), module("b", ("a",)), module("c", ("b",))])
    msg = str(info.value)
    assert "cycle" in msg and all(n in msg for n in "abc")


def test_unknown_and_duplicate_ids_are_refused():
    with pytest.raises(UnknownDependencyError) as info:
        Registry.from_modules([module("a", ("lemma-9.9",))])
    assert "lemma-9.9" in str(info.value)
    with pytest.raises(DuplicateIdError):
        Registry.from_modules([module("a", name="m1"), module("a", name="m2")])
    with pytest.raises(RegistryError):
        Registry.from_modules([SimpleNamespace(__name__="bad", ID="x", STATEMENT="s", DEPENDS_ON="y", check=lambda: None)])
    with pytest.raises(RegistryError):
        Registry.from_modules([SimpleNamespace(__name__="bad", ID="x", STATEMENT="", check=lambda: None)])


def test_only_runs_the_ids_and_their_ancestors():
    reg = Registry.from_modules([module("a"), module("b", ("a",)), module("c")])
    assert reg.order(["b"]) == ["a", "b"]
    assert reg.generations() == [["a", "c"], ["b"]]
    with pytest.raises(UnknownDependencyError):
        reg.order(["zzz"])


def test_only_with_several_ids_keeps_every_ones_ancestors():
    """Injected in a campaign: the ancestors of the last id only; prop-1.1 then ran without eq-1.5."""
    reg = Registry.from_modules([module("a"), module("b", ("a",)), module("c"), module("d", ("c",))])
    assert set(reg.order(["b", "d"])) == set(reg.order(["d", "b"])) == {"a", "b", "c", "d"}
    order = reg.order(["b", "d"])
    assert order.index("a") < order.index("b") and order.index("c") < order.index("d")


def test_an_id_is_at_most_a_hundred_characters():
    """Campaign X (24): the ID's length limit is enforced (at 100 accepted, at 101 refused), as are blanks around it."""
    assert Registry.from_modules([toy_check_module("x" * 100)]).checks
    for bad in ("x" * 101, " lemma", "", 7):
        with pytest.raises(RegistryError, match="declares no usable ID"):
            Registry.from_modules([toy_check_module(bad, name="toy.bad")])
