"""What a notice file may not hold, checked on its raw text before the YAML and markdown parsers see it.

Parsers recurse once per level of nesting: a one-kilobyte file nesting thousands of levels exhausts
Python's recursion (a traceback) or libyaml's C stack (a segfault). Control characters pass YAML and
markdown untouched and then make the XML of the feeds invalid.
"""

import re

# No notice needs more: a field, a language, an update, a list inside it.
MAX_DEPTH = 20
# XML 1.0 forbids C0 controls but tab, newline and carriage return; DEL and C1 controls are
# discouraged and never intended in a notice; U+FFFE, U+FFFF and lone surrogates are not characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DASHES = re.compile(r"(?:-(?:[ \t]+|$))+")
_BODY_MARKERS = re.compile(r"(?:(?:>|[-*+]|\d{1,9}[.)])(?:[ \t]+|$))+")
_QUOTE_OPENERS = " \t[{,:"


def forbidden_characters(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Returns (line, description) for each line holding a character that XML cannot carry."""
    found = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        match = FORBIDDEN.search(line)
        if match:
            found.append((number, describe(match.group())))
    return found


def describe(character: str) -> str:
    """Names a character as an editor can find it: U+001B (escape) rather than an invisible glyph."""
    names = {"\x1b": " (escape)", "\x0b": " (vertical tab)", "\x00": " (NUL)"}
    return f"U+{ord(character):04X}{names.get(character, '')}"


def front_matter_too_deep(front: str, first_line: int) -> int | None:
    """Returns the line where the YAML nests deeper than MAX_DEPTH (block indentation plus flow brackets)."""
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(front.split("\n"), start=first_line):
        stripped = line.lstrip(" ")
        if flow == 0:
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            dashes = _DASHES.match(stripped)
            block = len(indents) + (dashes.group().count("-") if dashes else 0)
        quote = None
        previous = " "
        for character in line:
            if quote:
                if character == quote:
                    quote = None
            elif character in "'\"" and previous in _QUOTE_OPENERS:
                quote = character
            elif character == "#" and previous in " \t":
                break
            elif character in "[{":
                flow += 1
                if block + flow > MAX_DEPTH:
                    return number
            elif character in "]}":
                flow = max(0, flow - 1)
            previous = character
        if block > MAX_DEPTH:
            return number
    return None


def body_too_deep(body: str, first_line: int) -> int | None:
    """Returns the line where markdown nests block quotes and lists deeper than MAX_DEPTH."""
    for number, line in enumerate(body.split("\n"), start=first_line):
        stripped = line.lstrip(" \t")
        markers = _BODY_MARKERS.match(stripped)
        if not markers:
            continue
        # Each marker opens a level, and so does each two columns of indentation before a list item.
        depth = (len(line) - len(stripped)) // 2 + len(re.findall(r"[>*+-]|\d[.)]", markers.group()))
        if depth > MAX_DEPTH:
            return number
    return None
