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


def _module(**attrs):
    base = dict(__name__="toy.m", ID="m", STATEMENT="claim m", check=lambda config=CheckConfig(): None)
    base.update(attrs)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("attrs, words", [
    ({"check": 5}, r"has no check\(\) function"),
    ({"DEPENDS_ON": "a"}, "DEPENDS_ON must be a tuple or list of ids"),
    ({"DEPENDS_ON": ("a", "")}, "DEPENDS_ON must be a tuple or list of ids"),
    ({"DEPENDS_ON": ("a", 3)}, "DEPENDS_ON must be a tuple or list of ids"),
    ({"REFERENCE": 3}, "REFERENCE must be text"),
    ({"GROUP": ["x"]}, "GROUP must be text"),
    ({"parts": lambda config: [1]}, "define all of parts, check_part and combine, or none"),
    ({"parts": lambda config: [1], "check_part": lambda c, p: None, "combine": "x"}, "define all of parts"),
])
def test_a_module_declaring_its_parts_wrongly_is_refused_by_name(attrs, words):
    """A mutation pass over registry.py: each declaration's own refusal."""
    with pytest.raises(RegistryError, match=words):
        Registry.from_modules([_module(**attrs)])


def test_a_module_without_a_group_is_the_papers_and_a_split_one_keeps_its_parts():
    plain = Registry.from_modules([_module(GROUP="")]).checks["m"]
    assert plain.group == "the paper" and Registry.from_modules([_module()]).checks["m"].group == "the paper"
    assert Registry.from_modules([_module(GROUP="beyond the paper")]).checks["m"].group == "beyond the paper"


def test_a_cycle_is_named_closed(tmp_path):
    with pytest.raises(DependencyCycleError) as info:
        Registry.from_modules([toy_check_module("a", ("b",)), toy_check_module("b", ("a",))])
    text = str(info.value)
    assert text.endswith("a -> b -> a") or text.endswith("b -> a -> b")


def test_declares_check_reads_the_syntax(tmp_path):
    from lcnsym.checking.registry import declares_check

    both = tmp_path / "both.py"
    both.write_text("ID = 'x'\ndef check(config):\n    pass\n")
    helper = tmp_path / "helper.py"
    helper.write_text("def check(config):\n    pass\n")
    broken = tmp_path / "broken.py"
    broken.write_text("ID = 'x'\n")
    assert declares_check(both) and not declares_check(helper)
    with pytest.raises(RegistryError, match="declares ID but no top-level def check"):
        declares_check(broken)
    with pytest.raises(RegistryError, match="is not a folder of proof modules"):
        discover(paths=[both])


def test_the_papers_dependencies_are_those_of_results_md():
    """Campaign HH (t34): thm-3.4 without lemma-3.5 in DEPENDS_ON passed every test. The edges among the paper's
    results are exactly RESULTS.md's "Dependencies" (docs/results.md is the shipped copy), parsed here."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "results.md").read_text()
    spec = " ".join(text.split("Dependencies (an edge `a -> b` means \"the proof of b uses a\"):", 1)[1]
                    .split("\n\n", 1)[0].split())
    expected = set()
    for chain in spec.rstrip(".").split(";"):
        groups = [[x.strip() for x in g.split(",")] for g in chain.split("->")]
        expected |= {(a, b) for before, after in zip(groups, groups[1:]) for a in before for b in after}
    assert ("lemma-3.5", "thm-3.4") in expected and len(expected) == 13
    registry = discover()
    paper = {pid for pid in registry.checks if re.fullmatch(r"(eq|prop|lemma|thm|cor)-\d\.\d", pid)}
    assert len(paper) == 13
    edges = {(d, pid) for pid in paper for d in registry.checks[pid].depends_on if d in paper}
    assert edges == expected
