from pathlib import Path

from lcnsym.cli.reference import cli_reference

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli-reference.md"


def test_cli_reference_page_is_generated_from_the_commands():
    assert PAGE.read_text() == cli_reference(), "regenerate: python -m lcnsym.cli.reference > docs/cli-reference.md"


def test_every_command_is_in_the_reference():
    from lcnsym.cli.main import cli

    text = cli_reference()
    assert all(f"## lcnsym {name}" in text for name in cli.commands)
