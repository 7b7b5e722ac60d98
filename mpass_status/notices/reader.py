"""Collects the problems of one notice file while it is read, and reads its front matter's values with their lines."""

from datetime import datetime

import yaml

from mpass_status.config import SiteConfig
from mpass_status.notices.limits import UNWANTED, describe
from mpass_status.notices.messages import NoticeProblem, suggest
from mpass_status.notices.moments import TimeError, parse_moment

_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_NULLS = {"", "~", "null", "Null", "NULL"}


class Invalid(Exception):
    """Stops reading a file whose structure makes further checks meaningless."""


class Reader:
    """The problems of one file, and the reading of its front matter's values that reports them at their lines."""

    def __init__(self, path: str, config: SiteConfig):
        self.path, self.config = path, config
        # What "the future" means for a file name or an update: the moment the file is read.
        self.now = datetime.now(config.timezone)
        self.problems: list[NoticeProblem] = []

    def error(self, line: int, key: str, /, **values) -> None:
        """Records the error of key (notices/messages.py) at line."""
        self.problems.append(NoticeProblem.of(self.path, line, key, **values))

    def warn(self, line: int, key: str, /, **values) -> None:
        """Records the warning of key at line: the notice is still shown."""
        self.problems.append(NoticeProblem.of(self.path, line, key, warning=True, **values))

    def has_errors(self) -> bool:
        """Tells whether any problem so far is an error rather than a warning."""
        return any(not p.warning for p in self.problems)

    # YAML nodes become (value, line) pairs so that every later check can name a line.
    def tree(self, node, offset: int, seen: set):
        """Returns a composed YAML node as (value, line), mappings and lists holding such pairs in turn."""
        line = node.start_mark.line + offset
        if id(node) in seen:
            self.error(line, "anchors")
            raise Invalid
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.error(line, "yaml_tag", tag=node.tag)
            raise Invalid
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    self.error(line, "field_name_text")
                    raise Invalid
                key_line = key.start_mark.line + offset
                if key.value in result:
                    self.error(key_line, "field_twice", name=key.value)
                # A field's problems are reported at its name's line, where editors look.
                result[key.value] = (self.tree(value, offset, seen)[0], key_line)
            return result, line
        if isinstance(node, yaml.SequenceNode):
            return [self.tree(item, offset, seen) for item in node.value], line
        if not node.style and node.value in _NULLS:  # plain style: None, or "" from libyaml
            return None, line
        # A YAML escape ("\x0b", "\e") writes a control character the raw text does not show.
        character = UNWANTED.search(node.value)
        if character:
            self.error(line, "control_escape", character=describe(character.group()))
        return node.value, line

    def text(self, entry, name: str) -> str | None:
        """Returns an entry's text, stripped, or None when it is empty or not text (an error)."""
        value, line = entry
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(line, "must_be_text", name=name)
            return None
        return value.strip()

    def moment(self, entry, name: str):
        """Returns an entry's time as a Moment in the site's timezone, or None when empty or unreadable."""
        value = self.text(entry, name)
        if not value:
            return None
        try:
            return parse_moment(value, self.config.timezone)
        except TimeError as exc:
            self.error(entry[1], exc.key, name=name, **exc.values)
            return None

    def languages(self, entry, name: str, required: bool) -> dict[str, str]:
        """Returns an entry's texts per site language, warning of a language that lacks its text."""
        value, line = entry
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.error(line, "per_language", name=name)
            return {}
        texts = {}
        for lang, item in value.items():
            if lang not in self.config.languages:
                choices, meant = ", ".join(self.config.languages), suggest(lang, self.config.languages)
                self.error(item[1], "unknown_language", name=name, lang=lang, choices=choices, suggestion=meant)
                continue
            text = self.text(item, f"{name}.{lang}")
            if text:
                texts[lang] = text
        if required and not texts:
            self.error(line, "text_missing", name=name)
        else:
            for lang in self.config.languages:
                if texts and lang not in texts:
                    self.warn(line, "lacks_language", name=name, lang=lang)
        return texts
