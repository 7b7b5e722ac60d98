"""Renders notice markdown to HTML that cannot carry script, whatever the file holds."""

import re

import nh3
from babel import localedata
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# Raw HTML in a notice is shown as text, and nh3 then keeps only what markdown
# itself produces: two independent guards, so a mistake in either is not fatal.
# No images and no style attributes: the site makes no third-party requests and
# its Content-Security-Policy allows no inline style.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.options["maxNesting"] = 20

# Words of another language inside the text, e.g. a Finnish role name in Swedish: [Oppilas]{lang=fi}
# becomes <span lang="fi">Oppilas</span>, so a screen reader says them in that language (WCAG 3.1.2).
# The syntax is markdown-it's attribute syntax (mdit-py-plugins' attrs) narrowed to lang, the only
# attribute a notice may set; a code Babel does not know leaves the text as written.
LANG_SPAN = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\{lang=(?P<lang>[a-z]{2,3}(?:-[A-Z]{2})?)\}")


def is_language(code: str) -> bool:
    """Tells whether code names a language (fi, sv, en, sv-FI…) that a span may be marked with."""
    return localedata.exists(code.replace("-", "_"))


_LANG_MARK = re.compile(r"\[[^\[\]\n]+\]\{lang=(?P<code>[^}\n]*)\}")


def unknown_language_marks(text: str) -> list[tuple[str, str]]:
    """Returns each [words]{lang=…} of text that makes no span, as (mark, code): its code is not a language's."""
    return [
        (found[0], found["code"])
        for found in _LANG_MARK.finditer(text)
        if not (LANG_SPAN.fullmatch(found[0]) and is_language(found["code"]))
    ]


def _lang_span(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    found = LANG_SPAN.match(state.src, state.pos, state.posMax)
    if not found or not is_language(found["lang"]):
        return False
    if not silent:
        state.push("lang_span_open", "span", 1).attrs = {"lang": found["lang"]}
        end = state.posMax
        state.pos, state.posMax = found.start("text"), found.end("text")
        state.md.inline.tokenize(state)
        state.posMax = end
        state.push("lang_span_close", "span", -1)
    state.pos = found.end()
    return True


_md.inline.ruler.before("link", "lang_span", _lang_span)

_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "span",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "ol": {"start"},
    "span": {"lang"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
# Plain sentences: letters, digits, single-meaning punctuation and inner spaces.
# Nothing in them is markdown, HTML or an entity, so rendering leaves them as they are.
_PLAIN = re.compile(r"[^\W_]+(?:[ .,:;?'\"()/%+=@#€–—-]+[^\W_]+)*[.?)\"']?")


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_block(text: str) -> str:
    """Renders a notice body; its top heading level becomes h2, below the page's h1."""
    tokens = _md.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return _sanitize(_md.renderer.render(tokens, _md.options, {}))


def render_inline_markdown(text: str) -> str:
    """Renders one paragraph of text through the whole markdown and sanitizer pipeline."""
    return _sanitize(_md.renderInline(text or ""))


def render_inline(text: str) -> str:
    """Renders one paragraph of text, such as a timeline update, without block elements."""
    text = text or ""
    if _PLAIN.fullmatch(text):
        # Most updates are plain sentences with nothing to render or escape: the
        # full pipeline would return them unchanged, at a cost a large archive feels.
        return text
    return render_inline_markdown(text)
