import importlib
from pathlib import Path
import shlex

from lcnsym.cli.main import cli
from lcnsym.checking.papermap import paper_map, paper_map_rows

PAGE = Path(__file__).resolve().parent.parent / "docs" / "paper-map.md"
PAPER_IDS = {"eq-1.5", "prop-1.1", "prop-2.1", "lemma-2.2", "lemma-2.3", "lemma-2.4", "lemma-3.3", "lemma-3.5",
             "thm-3.4", "lemma-3.6", "cor-3.7", "thm-3.8", "thm-1.2"}


def test_paper_map_page_is_generated():
    assert PAGE.read_text() == paper_map(), "regenerate: python -m lcnsym.checking.papermap > docs/paper-map.md"


def test_every_row_names_real_functions_and_a_valid_command():
    for row in paper_map_rows():
        assert row["library"] and row["cli"] and row["evidence"], row["id"]
        for dotted in row["library"]:
            module, _, attr = dotted.rpartition(".")
            assert hasattr(importlib.import_module(module), attr), dotted
        words = shlex.split(row["cli"])
        assert words[0] == "lcnsym"
        cli.commands[words[1]].make_context(words[1], words[2:])


BEYOND_IDS = {"filling", "critical-points", "flows-meet-critical-points", "constants-tightness"}


def test_every_result_of_the_paper_is_on_the_map():
    rows = paper_map_rows()
    assert {row["id"] for row in rows if row["group"] == "the paper"} == PAPER_IDS
    assert {row["id"] for row in rows if row["group"] == "beyond the paper"} == BEYOND_IDS
    assert "## Beyond the paper" in paper_map()
