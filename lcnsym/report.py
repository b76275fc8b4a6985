"""Reports of a verification run: the table a person reads."""

from rich.console import Console
from rich.table import Table

__all__ = ["print_table"]

_STYLE = {"pass": "green", "fail": "bold red", "blocked": "yellow", "error": "bold magenta"}


def print_table(results, console=None):
    """Print the results as a table: id, status, evidence, seconds; then a one-line total."""
    console = console or Console(soft_wrap=False)
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("evidence")
    table.add_column("seconds", justify="right", no_wrap=True)
    for r in results:
        table.add_row(r.id, f"[{_STYLE[r.status]}]{r.status}[/]", r.evidence_text(), f"{r.seconds:.2f}")
    console.print(table)
    counts = {s: sum(r.status == s for r in results) for s in _STYLE}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no checks ran")
