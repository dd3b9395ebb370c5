"""Parse the ``secrets`` input (a JSON object or dotenv text) into name/value pairs.

A small dotenv reader is written here rather than adding python-dotenv: the image's
runtime dependencies are fixed (PyNaCl, requests, actions-toolkit), and the subset we
need (``NAME=value``, ``export``, comments, quoted multi-line values) is short. Parse
problems name a line or a position, never the text, because a misquoted multi-line
value would otherwise reach the log through the error message.
"""

from __future__ import annotations

import json
from typing import NamedTuple

_DOUBLE_QUOTE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


class Entry(NamedTuple):
    """One key/value pair as written by the user, with where it came from."""

    key: str
    value: str
    where: str
    label: str  # how problems may name it: the key (JSON) or its line (dotenv)
    named: bool = False  # the key may be quoted: a JSON key is a name, a dotenv "key" may not be

    def __repr__(self) -> str:
        return f"Entry(where={self.where!r}, value=<hidden>)"


class ParsedSecrets(NamedTuple):
    """Every entry found, plus problems (each says where, never what)."""

    entries: tuple[Entry, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # values that are read, but maybe not as meant


def parse_secrets_text(text: str) -> ParsedSecrets:
    """Read JSON when the text is an object (``toJSON(secrets)``), else dotenv lines."""
    if text.lstrip().startswith("{"):
        return _parse_json(text)
    return _parse_dotenv(text)


def _parse_json(text: str) -> ParsedSecrets:
    try:
        # Pairs rather than a dict, so that a key written twice is seen, not overwritten.
        pairs: list[tuple[str, object]] = json.loads(text, object_pairs_hook=list)
    except json.JSONDecodeError as exc:
        # exc.msg says what was expected; lineno/colno say where. Neither quotes the text.
        reason = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        return ParsedSecrets((), (reason,))
    except RecursionError:
        return ParsedSecrets((), ("not valid JSON: nested too deeply",))
    entries: list[Entry] = []
    problems: list[str] = []
    for index, (key, value) in enumerate(pairs, start=1):
        where = f"key #{index}"
        if isinstance(value, list):
            problems.append(f"{where}: expected a flat object of strings, found a nested value")
        elif not isinstance(value, str):
            problems.append(f"{where}: the value must be a JSON string")
        else:
            entries.append(Entry(key, value, where, key, named=True))
    return ParsedSecrets(tuple(entries), tuple(problems))


def _parse_dotenv(text: str) -> ParsedSecrets:
    lines, endings, lone_cr = _split_lines(text)
    if lone_cr:
        # A lone CR is neither kept in a value nor guessed to be a line break: on one line
        # "A=1<CR>B=2" would otherwise be one secret A (holding "B=2"), and prune would
        # then delete B. The file's line endings are for its author to fix.
        return ParsedSecrets(
            (),
            tuple(
                f"line {lineno}: a carriage return (CR) not followed by a line feed; "
                "save the text with LF or CRLF line endings"
                for lineno in lone_cr
            ),
        )
    entries: list[Entry] = []
    problems: list[str] = []
    warnings: list[str] = []
    index = 0
    while index < len(lines):
        lineno = index + 1
        # Only the left side is trimmed here: a quoted value keeps its trailing spaces.
        line = lines[index].lstrip()
        index += 1
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line.removeprefix("export ").lstrip()
        key, sep, rest = line.partition("=")
        if not sep:
            problems.append(f"line {lineno}: expected NAME=value")
            continue
        given, rest = rest, rest.lstrip()
        if rest[:1] in ('"', "'"):
            value, index, problem = _read_quoted(rest, lines, endings, index)
            if problem:
                problems.append(f"line {lineno}: {problem}")
                continue
            if "\r\n" in value and "\r\n" in "".join(endings[lineno - 1 : index - 1]):
                warnings.append(
                    f"line {lineno}: the quoted value spans lines that end in CRLF, and keeps "
                    "them as CRLF; save the text with LF line endings if it should hold LF."
                )
        else:
            value = _strip_inline_comment(rest).rstrip()
            changed = _unquoted_changes(given, rest, value)
            if changed:
                warnings.append(
                    f"line {lineno}: the unquoted value {changed}; quote it to keep it exactly."
                )
        entries.append(Entry(key.strip(), value, f"line {lineno}", f"the name on line {lineno}"))
    return ParsedSecrets(tuple(entries), tuple(problems), tuple(warnings))


def _split_lines(text: str) -> tuple[list[str], list[str], list[int]]:
    """The lines, each one's ending (LF, CRLF or none at the end), and lines with a lone CR."""
    pieces = text.split("\n")
    lines: list[str] = []
    endings: list[str] = []
    lone_cr: list[int] = []
    for number, piece in enumerate(pieces, start=1):
        last = number == len(pieces)
        if piece.endswith("\r") and not last:
            lines.append(piece[:-1])
            endings.append("\r\n")
        else:
            lines.append(piece)
            endings.append("" if last else "\n")
        if "\r" in lines[-1]:
            lone_cr.append(number)
    return lines, endings, lone_cr


def _strip_inline_comment(value: str) -> str:
    cut = value.find(" #")
    return value if cut < 0 else value[:cut]


def _unquoted_changes(given: str, trimmed: str, value: str) -> str:
    """How reading an unquoted value changed what was written (never quoting it)."""
    changes = []
    if value and given != trimmed:
        changes.append("loses its leading spaces")
    cut = trimmed.find(" #")
    if cut >= 0:
        changes.append("loses everything from ' #' on (read as a comment)")
    elif value != trimmed:
        changes.append("loses its trailing spaces")
    return " and ".join(changes)


def _read_quoted(
    rest: str, lines: list[str], endings: list[str], index: int
) -> tuple[str, int, str]:
    """Read a quoted value that may continue over following lines.

    Returns the value, the index of the next unread line and a problem ('' if none).
    Double quotes understand backslash escapes; single quotes are literal. The line
    breaks inside the quotes are kept as written (LF or CRLF), never changed.
    """
    quote, body = rest[0], rest[1:]
    parts: list[str] = []
    while True:
        end = _closing_quote(body, quote)
        if end >= 0:
            parts.append(body[:end])
            trailing = body[end + 1 :].strip()
            if trailing and not trailing.startswith("#"):
                return "", index, "unexpected text after the closing quote"
            break
        parts.append(body + endings[index - 1])
        if index >= len(lines):
            return "", index, f"the {quote} quote is never closed"
        body = lines[index]
        index += 1
    value = "".join(parts)
    return (_unescape(value) if quote == '"' else value), index, ""


def _closing_quote(body: str, quote: str) -> int:
    position = 0
    while position < len(body):
        char = body[position]
        if quote == '"' and char == "\\":
            position += 2
            continue
        if char == quote:
            return position
        position += 1
    return -1


def _unescape(value: str) -> str:
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append(_DOUBLE_QUOTE_ESCAPES.get(following, "\\" + following))
    return "".join(out)
