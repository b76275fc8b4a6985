"""The package: its lazy top-level names, and the layering of its folders (found from the imports, not a list)."""

import ast
from pathlib import Path
import subprocess
import sys

import lcnsym

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "lcnsym"


def test_top_level_names_resolve():
    for name in lcnsym.__all__:
        assert getattr(lcnsym, name) is not None, name


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def _room(module):
    """``lcnsym.algebra.filters`` -> ``algebra``; ground modules are rooms of their own."""
    parts = module.split(".")
    if parts[0] != "lcnsym" or len(parts) < 2:
        return None
    return parts[1]


def _graph(folder, prefix):
    edges = set()
    for path in folder.rglob("*.py"):
        rel = path.relative_to(folder).with_suffix("")
        own = _room(".".join([prefix, *rel.parts]))
        for target in _imports(path):
            room = _room(target)
            if room and own and room != own:
                edges.add((own, room))
    return edges


LEVELS = {"errors": 0, "interrupts": 0, "folders": 0, "numeric": 1, "parsing": 2, "algebra": 3, "analysis": 4, "dynamics": 4, "checking": 4,
          "exploration": 5, "proofs": 6, "cli": 7}


def test_layers_run_one_way():
    """The library never imports proofs/ or cli/, proofs never import cli/, and every import goes down a level."""
    edges = _graph(LIBRARY, "lcnsym") | _graph(ROOT / "proofs", "lcnsym.proofs") | _graph(ROOT / "cli", "lcnsym.cli")
    rooms = {a for a, _ in edges} | {b for _, b in edges}
    assert rooms <= set(LEVELS) | {"__init__"}, rooms - set(LEVELS)
    upward = [(a, b) for a, b in edges if a != "__init__" and b != "__init__" and LEVELS[b] >= LEVELS[a]]
    assert not upward, upward


def test_importing_the_algebra_loads_neither_networkx_nor_matplotlib():
    code = ("import sys, lcnsym.algebra.filters, lcnsym.algebra.convolution, lcnsym.numeric; "
            "print('networkx' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_importing_lcnsym_leaves_the_matplotlib_backend_unchanged():
    code = ("import matplotlib; matplotlib.use('svg'); import lcnsym, lcnsym.dynamics.plotting, lcnsym.cli.main; "
            "print(matplotlib.get_backend())")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "svg"


def test_every_library_module_has_its_test_file():
    """One test file per library module (losses and engines: the table-driven test of their package)."""
    tests = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    missing = []
    for path in LIBRARY.rglob("*.py"):
        if path.name == "__init__.py" or path.parent.name in ("losses", "engines"):
            continue
        if f"test_{path.stem}" not in tests:
            missing.append(str(path.relative_to(ROOT)))
    assert {"test_losses", "test_engines", "test_package"} <= tests
    assert not missing, missing


def test_setuptools_lists_every_package():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"lcnsym." + ".".join(p.parent.relative_to(LIBRARY).parts) if p.parent != LIBRARY else "lcnsym"
             for p in LIBRARY.rglob("__init__.py")}
    assert found <= listed, found - listed
