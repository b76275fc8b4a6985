"""lcnsym.checking.graph: text, Mermaid and dot, coloured by status."""

from lcnsym.checking.graph import graph_dot, graph_mermaid, graph_text
from lcnsym.checking.registry import discover


def test_the_three_formats():
    reg = discover()
    assert graph_text(reg, {"eq-1.5": "pass"}).splitlines()[0] == "eq-1.5 [pass]"
    mer = graph_mermaid(reg, {"eq-1.5": "fail"})
    assert mer.startswith("flowchart TD") and "eq_1_5 --> prop_1_1" in mer and "classDef fail" in mer
    dot = graph_dot(reg, {"eq-1.5": "pass"})
    assert '"eq-1.5" -> "prop-1.1";' in dot and 'fillcolor="#c8f7c5"' in dot


def test_mermaid_colours_every_status():
    """Campaign V: a node of every status gets its colour class, error and interrupted too."""
    from lcnsym.checking.status import Status

    reg = discover()
    ids = list(reg.order())
    statuses = {pid: status.value for pid, status in zip(ids, Status)}
    mer = graph_mermaid(reg, statuses)
    for status in Status:
        assert f"classDef {status} fill:{status.colour}" in mer
