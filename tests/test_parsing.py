"""lcnsym.parsing: users' text and JSON files read exactly, with limits, never evaluated."""

import json
from fractions import Fraction

import pytest

from lcnsym.errors import NumberError, ParseError
from lcnsym.parsing import (MAX_JSON_DEPTH, parse_complex_list, parse_filters, parse_int, parse_int_list, parse_json,
                            parse_rational_list, read_json)


def test_lists_and_filters():
    assert parse_int_list("1, 2,3") == [1, 2, 3]
    assert parse_rational_list("1,0.5") == [1, Fraction(1, 2)]
    assert parse_filters("1;2,3") == [[1], [2, 3]]
    assert parse_complex_list("1, 2-1j") == [(1, 0), (2, -1)]
    for bad in ("", "1,,2", " ", "1;"):
        with pytest.raises(ParseError):
            parse_filters(bad)


@pytest.mark.parametrize("text,words", [("2.5", "not a whole number"), ("x", "not a whole number"), ("1" * 20, "20 digits"),
                                        ("--3", "not a whole number"), ("٣", "not a whole number")])
def test_whole_numbers(text, words):
    with pytest.raises(ParseError, match=words):
        parse_int(text, "--k")


def test_json_numbers_exact_and_limits():
    assert parse_json('{"X": [[1, 0.1, 2e-1]]}') == {"X": [[1, Fraction(1, 10), Fraction(1, 5)]]}
    with pytest.raises(ParseError, match="nested deeper"):
        parse_json("[" * 100000 + "]" * 100000)
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    for deeper in ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
                   '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)):  # one past the limit (campaign P)
        with pytest.raises(ParseError, match="nested deeper"):
            parse_json(deeper)
    assert parse_json('{"a":' * MAX_JSON_DEPTH + "1" + "}" * MAX_JSON_DEPTH) is not None
    with pytest.raises(NumberError, match="exponent"):
        parse_json("[1e999999999]")
    with pytest.raises(ParseError, match="not a finite number"):
        parse_json("[NaN]")
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_json("{")
    assert parse_json('["[[[", {"a": "]]]"}]') == ["[[[", {"a": "]]]"}]  # brackets in strings are not nesting


def test_read_json_names_the_file(tmp_path):
    good = tmp_path / "d.json"
    good.write_text(json.dumps({"w": [[1, 0.5]]}))
    assert read_json(good, "--init file") == {"w": [[1, Fraction(1, 2)]]}
    with pytest.raises(ParseError, match="cannot read --data file .*missing"):
        read_json(tmp_path / "missing.json", "--data file")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe")
    with pytest.raises(ParseError, match="cannot read"):
        read_json(tmp_path / "bin.json")


def test_complex_lists_with_bare_imaginary_units():
    """Injected in a campaign (C4, I05): "1-j" and "-j" read as 1+i and +i (the lists tested had explicit coefficients)."""
    assert parse_complex_list("1-j, -j, 2+j, j") == [(1, -1), (0, -1), (2, 1), (0, 1)]


def test_a_tiny_negative_exponent_is_refused_in_lists():
    """Injected in a campaign (C4, I10): the exponent limit checked for positive exponents only."""
    from lcnsym.numeric import MAX_EXPONENT

    assert MAX_EXPONENT == 1000
    with pytest.raises(NumberError, match="exponent -1001"):
        parse_rational_list("1, 1e-1001")
    with pytest.raises(NumberError, match="exponent -30000"):
        parse_filters("1e-30000,1;1,1")


def test_a_list_of_max_list_entries_is_read_and_one_more_is_refused():
    """Campaign H: the limit is exact: MAX_LIST entries are accepted, MAX_LIST + 1 named and refused."""
    from lcnsym.errors import ParseError
    from lcnsym.parsing import MAX_LIST, parse_int_list, parse_rational_list

    assert len(parse_int_list(",".join(["1"] * MAX_LIST), "--k")) == MAX_LIST
    with pytest.raises(ParseError, match=f"--k: more than {MAX_LIST} entries"):
        parse_int_list(",".join(["1"] * (MAX_LIST + 1)), "--k")
    with pytest.raises(ParseError, match=f"more than {MAX_LIST} entries"):
        parse_rational_list(",".join(["1"] * (MAX_LIST + 1)))


def test_an_escaped_quote_does_not_end_a_json_string():
    """Campaign L: brackets inside a string after an escaped quote are text, not nesting (no false "too deep")."""
    from lcnsym.parsing import parse_json

    text = '["a\\"' + "[" * 100 + '"]'
    assert parse_json(text) == ['a"' + "[" * 100]


def test_the_largest_size_is_readable_as_a_whole_number():
    """Campaign L: MAX_SIZE = 10^18 has 19 digits; the command line reads it (and refuses one more, by name, as too
    large a size rather than as too many digits)."""
    from click.testing import CliRunner

    from lcnsym.algebra.architecture import MAX_SIZE
    from lcnsym.cli.main import cli
    from lcnsym.parsing import parse_int

    assert parse_int(str(MAX_SIZE)) == MAX_SIZE
    ok = CliRunner().invoke(cli, ["arch", "--d0", str(MAX_SIZE), "--k", "2", "--s", "1", "--json"])
    assert ok.exit_code == 0, ok.output
    over = CliRunner().invoke(cli, ["arch", "--d0", str(MAX_SIZE + 1), "--k", "2", "--s", "1"])
    assert over.exit_code == 2 and "not in the range 1..1000000000000000000" in over.output, over.output


def test_a_bad_filter_entry_names_its_layer_counted_from_one():
    """Campaign V: "1,2;3,x" has its bad entry in layer 2."""
    with pytest.raises((ParseError, NumberError), match="layer 2"):
        parse_filters("1,2;3,x")


def test_nesting_is_the_depth_not_the_count_of_brackets():
    """A mutation pass over parsing.py: 100 sibling lists are depth 2; 65 nested ones are refused, even before any string."""
    from lcnsym.parsing import MAX_JSON_DEPTH, parse_json

    assert parse_json("[" + ",".join(["[]"] * 100) + "]") == [[]] * 100
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(ParseError, match="nest"):
        parse_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    with pytest.raises(ParseError, match="nest"):
        parse_json('[' * 70 + '"a"' + ']' * 70)


@pytest.mark.parametrize("text", ["1,,2", "", "  ", "1,2,", ",1"])
def test_an_empty_entry_is_refused_by_name(text):
    from lcnsym.parsing import parse_int_list

    with pytest.raises(ParseError, match="has an empty entry"):
        parse_int_list(text, "--k")


def test_a_sign_is_read_once():
    from lcnsym.parsing import parse_int, parse_int_list

    assert parse_int("-3") == -3 and parse_int("+7") == 7
    for bad in ("+-3", "--3", "-", "3-"):
        with pytest.raises(ParseError, match="is not a whole number"):
            parse_int(bad)
    with pytest.raises(ParseError, match="--k: 5 is not text"):
        parse_int_list(5, "--k")


def test_read_json_refuses_what_is_not_a_regular_file_of_at_most_the_limit(tmp_path, monkeypatch):
    from lcnsym import parsing

    with pytest.raises(ParseError, match="an empty path"):
        read_json("", "--data file")
    with pytest.raises(ParseError, match="an empty path"):
        read_json(".", "--data file")
    with pytest.raises(ParseError, match=r"cannot read --data file .*: a folder"):
        read_json(tmp_path, "--data file")
    good = tmp_path / "d.json"
    good.write_text("[1, 2]")  # 6 bytes: the limit is inclusive
    monkeypatch.setattr(parsing, "MAX_JSON_BYTES", 6)
    assert read_json(good) == [1, 2]
    monkeypatch.setattr(parsing, "MAX_JSON_BYTES", 5)
    with pytest.raises(ParseError, match="6 bytes; at most 5 are read"):
        read_json(good, "--data file")
    with pytest.raises(ParseError, match="JSON must be given as text, got 5"):
        parse_json(5, "--data")


def test_a_missing_file_and_a_fifo_are_named_as_such(tmp_path):
    """The earlier test matched 'missing' in the file's own name: the kind is the message's last word."""
    import os

    with pytest.raises(ParseError, match=r"cannot read --data file \S+/nothing.json: missing$"):
        read_json(tmp_path / "nothing.json", "--data file")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ParseError, match=r"pipe: not a regular file$"):
        read_json(tmp_path / "pipe", "--data file")


def test_a_closing_bracket_takes_one_level_off():
    from lcnsym.parsing import MAX_JSON_DEPTH

    text = "[[]," + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "]"  # depth 65 after a sibling closed at depth 2
    with pytest.raises(ParseError, match="nested deeper than 64"):
        parse_json(text)


def test_an_escape_inside_a_string_covers_one_character_only():
    """A mutation pass: after the escaped character the string goes on and closes; the nesting after it still counts."""
    text = '["a\\\\b", ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "]"  # depth 65 after the string "a\\b"
    with pytest.raises(ParseError, match="nested deeper than 64 levels"):
        parse_json(text)
    assert parse_json('["a\\\\b", [[1]]]') == ["a\\b", [[1]]]


def test_json_depth_counts_closed_objects_and_strings_campaign_oo():
    """Campaign OO: the depth is the nesting, not the number of brackets opened: 70 objects side by side (depth 2) and
    brackets inside strings are accepted; 65 nested objects are refused."""
    from lcnsym.errors import ParseError
    from lcnsym.parsing import MAX_JSON_DEPTH, parse_json

    assert len(parse_json("[" + ",".join(["{}"] * 70) + "]", "--data")) == 70
    assert parse_json('{"a": "[[[[{{{{' + "[" * 100 + '"}', "--data") == {"a": "[[[[{{{{" + "[" * 100}
    with pytest.raises(ParseError, match=f"nested deeper than {MAX_JSON_DEPTH}"):
        parse_json('{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1), "--data")


def test_json_integers_are_read_whole_or_refused_campaign_oo():
    """Campaign OO: an integer beyond the digit limit is refused naming its digits, never truncated to a wrong number."""
    from lcnsym.errors import NumberError
    from lcnsym.parsing import parse_json

    assert parse_json("[" + "7" * 900 + "]", "--data") == [int("7" * 900)]
    with pytest.raises(NumberError, match="1200 digits"):
        parse_json("[" + "7" * 1200 + "]", "--data")
