"""The dependency graph of the checks as text, Mermaid or Graphviz dot."""

from lcnsym.checking.status import Status

__all__ = ["graph_text", "graph_mermaid", "graph_dot", "graph_svg", "FORMATS"]

FORMATS = ("text", "mermaid", "dot", "svg")


def _label(pid, statuses):
    return f"{pid} [{statuses[pid]}]" if pid in statuses else pid


def graph_text(registry, statuses=None):
    """One line per check in dependency order: ``id <- dependencies``, with statuses if given.

    Examples
    --------
    >>> from lcnsym.checking.registry import discover
    >>> print(graph_text(discover(), {"eq-1.5": "pass"}).splitlines()[0])
    eq-1.5 [pass]
    """
    statuses = statuses or {}
    lines = []
    for pid in registry.order():
        deps = registry.checks[pid].depends_on
        line = _label(pid, statuses)
        if deps:
            line += " <- " + ", ".join(deps)
        lines.append(line)
    return "\n".join(lines)


def _node(pid):
    return pid.replace("-", "_").replace(".", "_")


def graph_mermaid(registry, statuses=None):
    """A Mermaid flowchart (edges ``a --> b``: the proof of b uses a); statuses as node classes."""
    statuses = statuses or {}
    lines = ["flowchart TD"]
    for pid in registry.order():
        lines.append(f'    {_node(pid)}["{_label(pid, statuses)}"]')
    for a, b in sorted(registry.graph.edges):
        lines.append(f"    {_node(a)} --> {_node(b)}")
    for status in Status:
        members = [_node(p) for p in registry.order() if statuses.get(p) == status]
        if members:
            lines.append(f"    classDef {status} fill:{status.colour}")
            lines.append(f"    class {','.join(members)} {status}")
    return "\n".join(lines)


def graph_dot(registry, statuses=None):
    """Graphviz dot source, coloured by status if given."""
    statuses = statuses or {}
    lines = ["digraph lcnsym {", "    rankdir=TB;"]
    for pid in registry.order():
        style = f', style=filled, fillcolor="{Status(statuses[pid]).colour}"' if pid in statuses else ""
        lines.append(f'    "{pid}" [label="{_label(pid, statuses)}"{style}];')
    for a, b in sorted(registry.graph.edges):
        lines.append(f'    "{a}" -> "{b}";')
    lines.append("}")
    return "\n".join(lines)


def graph_svg(registry, statuses=None):
    """A self-contained SVG drawing: one row per topological generation, nodes coloured by status, edges upward.

    Examples
    --------
    >>> from lcnsym.checking.registry import discover
    >>> graph_svg(discover()).startswith("<svg")
    True
    """
    from html import escape

    statuses = statuses or {}
    rows = registry.generations()
    width, height, gap_x, gap_y = 104, 30, 16, 48
    widest = max(len(r) for r in rows)
    total_w = widest * (width + gap_x) + gap_x
    pos = {}
    for y, row in enumerate(rows):
        offset = (total_w - len(row) * (width + gap_x) + gap_x) / 2
        for x, pid in enumerate(row):
            pos[pid] = (offset + x * (width + gap_x), gap_y / 2 + y * (height + gap_y))
    total_h = len(rows) * (height + gap_y)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
             f'font-family="sans-serif" font-size="11">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#666"/></marker></defs>']
    for a, b in sorted(registry.graph.edges):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        parts.append(f'<line x1="{xa + width / 2:.1f}" y1="{ya + height:.1f}" x2="{xb + width / 2:.1f}" y2="{yb:.1f}" '
                     f'stroke="#666" marker-end="url(#arrow)"/>')
    for pid, (x, y) in pos.items():
        fill = Status(statuses[pid]).colour if pid in statuses else "#ffffff"
        label = escape(_label(pid, statuses))
        parts.append(f'<g><title>{escape(registry.checks[pid].statement)}</title>'
                     f'<rect x="{x:.1f}" y="{y:.1f}" width="{width}" height="{height}" rx="6" fill="{fill}" stroke="#333"/>'
                     f'<text x="{x + width / 2:.1f}" y="{y + height / 2 + 4:.1f}" text-anchor="middle">{label}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)
