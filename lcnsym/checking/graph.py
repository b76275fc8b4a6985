"""The dependency graph of the checks as text, Mermaid or Graphviz dot."""

from lcnsym.checking.status import Status

__all__ = ["graph_text", "graph_mermaid", "graph_dot", "FORMATS"]

FORMATS = ("text", "mermaid", "dot")


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
