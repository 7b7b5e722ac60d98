"""What a notice file may not hold, checked on its raw text before the YAML and markdown parsers see it.

Parsers recurse once per level of nesting: a one-kilobyte file nesting thousands of levels exhausts
Python's recursion (a traceback) or libyaml's C stack (a segfault). Control characters pass YAML and
markdown untouched and then make the XML of the feeds invalid.
"""

import re

import yaml

# No notice needs more: a field, a language, an update, a list inside it.
MAX_DEPTH = 20
# XML 1.0 forbids C0 controls but tab, newline and carriage return; DEL and C1 controls are
# discouraged and never intended in a notice; U+FFFE, U+FFFF and lone surrogates are not characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A notice holds none of those, nor a carriage return (once CRLF is read as LF) or the Unicode line and
# paragraph separators: YAML breaks lines at them where an editor and the checks below see none.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Block sequence entries and explicit keys and values each open a level on the line that holds them.
_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))+")
# A quote marker needs no space after it (">>>" is three quotes); a list marker does.
_BODY_MARKERS = re.compile(r"(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))+")
_NAMES = {
    "\x00": "NUL",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "delete",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}
_QUOTE_OPENERS = " \t[{,:"


def forbidden_characters(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Returns (line, description) for each line holding a character a notice may not hold."""
    found = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        match = UNWANTED.search(line)
        if match:
            found.append((number, describe(match.group())))
    return found


def describe(character: str) -> str:
    """Names a character as an editor can find it: U+001B (escape) rather than an invisible glyph."""
    name = _NAMES.get(character)
    return f"U+{ord(character):04X} ({name})" if name else f"U+{ord(character):04X}"


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
            opened = _INDICATORS.match(stripped)
            block = len(indents) + (len(re.findall("[-?:]", opened.group())) if opened else 0)
        # Only brackets change the flow depth: a line outside flow without one (nearly every line) needs no scan.
        scanned = line if flow or "[" in line or "{" in line else ""
        quote = None
        previous = " "
        for character in scanned:
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


def yaml_too_deep(front: str, loader, first_line: int) -> int | None:
    """Returns the line where the YAML parser's own events nest deeper than MAX_DEPTH, before any node is built.

    The parser keeps its state in lists and never recurses; only composing nodes does. So this bounds
    the composer whatever the reading of the raw text above has missed.
    """
    depth = 0
    for event in yaml.parse(front, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + first_line
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None
