"""The secrets input: JSON objects and dotenv text, parsed exactly."""

from __future__ import annotations

import pytest

from codespaces_secrets.secrets_text import parse_secrets_text


def pairs(text: str) -> list[tuple[str, str]]:
    parsed = parse_secrets_text(text)
    assert parsed.problems == ()
    return [(e.key, e.value) for e in parsed.entries]


def test_json_object_as_to_json_secrets_writes_it() -> None:
    text = '{\n  "github_token": "ghs_abc",\n  "PEM": "line1\\nline2\\n"\n}'
    assert pairs(text) == [("github_token", "ghs_abc"), ("PEM", "line1\nline2\n")]


def test_dotenv_forms() -> None:
    text = (
        "# comment\n"
        "\n"
        "PLAIN=value with spaces   \n"
        "export EXPORTED=1\n"
        "INLINE=abc # a comment\n"
        "HASH=abc#not-a-comment\n"
        "SINGLE='lit\\n $x'\n"
        'DOUBLE="a\\tb\\n\\"q\\""\n'
        'MULTI="first\r\nsecond\n  third"\n'
        "SQ_MULTI='x\ny'  # trailing comment\n"
        "EQUALS=a=b=c\n"
    )
    assert pairs(text) == [
        ("PLAIN", "value with spaces"),
        ("EXPORTED", "1"),
        ("INLINE", "abc"),
        ("HASH", "abc#not-a-comment"),
        ("SINGLE", "lit\\n $x"),
        ("DOUBLE", 'a\tb\n"q"'),
        ("MULTI", "first\r\nsecond\n  third"),  # line breaks kept as written
        ("SQ_MULTI", "x\ny"),
        ("EQUALS", "a=b=c"),
    ]


def test_text_after_closing_quote_is_a_problem() -> None:
    parsed = parse_secrets_text('A="x" y\nB=2')
    assert parsed.problems == ("line 1: unexpected text after the closing quote",)
    assert [e.key for e in parsed.entries] == ["B"]


def test_deeply_nested_json_is_a_problem_not_a_crash() -> None:
    parsed = parse_secrets_text("{" + '"a":[' * 100000)
    assert parsed.entries == ()
    assert parsed.problems[0].startswith("not valid JSON")


@pytest.mark.parametrize(
    ("line", "warning"),
    [
        ("A= padded", "line 1: the unquoted value loses its leading spaces"),
        ("A=tail   ", "line 1: the unquoted value loses its trailing spaces"),
        ("A=pass #word", "line 1: the unquoted value loses everything from ' #' on"),
    ],
)
def test_unquoted_values_that_change_are_warned_about(line: str, warning: str) -> None:
    parsed = parse_secrets_text(f"# first\n{line}".split("\n", 1)[1])
    (found,) = parsed.warnings
    assert found.startswith(warning)
    assert "quote it to keep it exactly" in found
    for value_text in ("padded", "word", "tail"):
        assert value_text not in found


def test_quoted_and_plain_values_raise_no_warning() -> None:
    parsed = parse_secrets_text("A=plain\nB=\" padded #kept \"\nC='x #y'\n# comment\n")
    assert parsed.warnings == ()
    assert [e.value for e in parsed.entries] == ["plain", " padded #kept ", "x #y"]


@pytest.mark.parametrize(
    ("text", "line"),
    [("A=1\rB=2\n", 1), ("X=1\nA='one\rtwo'\n", 2), ("A=1\nB=2\r", 2), ('A="x\n\ry"', 2)],
)
def test_a_lone_carriage_return_is_a_problem_naming_its_line(text: str, line: int) -> None:
    parsed = parse_secrets_text(text)
    assert parsed.entries == ()
    assert parsed.problems == (
        f"line {line}: a carriage return (CR) not followed by a line feed; save the text "
        "with LF or CRLF line endings",
    )


def test_crlf_line_endings_end_lines_and_are_kept_inside_quotes_with_a_warning() -> None:
    parsed = parse_secrets_text("A=1\r\nPEM=\"first\r\nsecond\"\r\nB='x'\r\n")
    assert parsed.problems == ()
    assert [(e.key, e.value) for e in parsed.entries] == [
        ("A", "1"),
        ("PEM", "first\r\nsecond"),
        ("B", "x"),
    ]
    (warning,) = parsed.warnings
    assert warning.startswith("line 2: the quoted value spans lines that end in CRLF")
    assert "first" not in warning


def test_an_escaped_crlf_in_double_quotes_is_not_warned_about() -> None:
    parsed = parse_secrets_text('A="one\\r\\ntwo"\n')
    assert [e.value for e in parsed.entries] == ["one\r\ntwo"]
    assert parsed.warnings == ()
