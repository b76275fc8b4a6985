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


def test_the_svg_draws_each_edge_from_the_bottom_of_its_box_and_each_node_as_its_status_campaign_ff():
    """Campaign FF (G1, G4, G5): an edge leaves its source box at its bottom (y + 30) and enters the target at its top;
    a node is filled with its status's colour and its tooltip is the statement."""
    import re

    from lcnsym.checking.graph import graph_svg
    from lcnsym.checking.status import Status

    reg = discover()
    svg = graph_svg(reg, {"eq-1.5": "fail"})
    boxes = {m.group(3): (float(m.group(1)), float(m.group(2)))
             for m in re.finditer(r'<rect x="([\d.]+)" y="([\d.]+)"[^>]*/><text[^>]*>([^<\[ ]+)', svg)}
    line = re.search(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"', svg)
    first_edge = sorted(reg.graph.edges)[0]
    assert float(line.group(1)) == boxes[first_edge[0]][1] + 30 and float(line.group(2)) == boxes[first_edge[1]][1]
    assert f'fill="{Status("fail").colour}"' in svg and svg.count('fill="#ffffff"') == len(reg.checks) - 1
    assert f"<title>{reg.checks['eq-1.5'].statement}</title>" in svg


def test_the_text_and_dot_forms_list_every_dependency_top_down_campaign_ff():
    reg = discover()
    assert "constants-tightness <- lemma-2.2, lemma-2.3, lemma-2.4" in graph_text(reg)
    assert "    rankdir=TB;" in graph_dot(reg)
