"""Selects notices by type, component (or group) or year: the archive's filters and the feeds' too."""

from collections.abc import Callable

from mpass_status.config import SiteConfig
from mpass_status.notices.model import TYPES, Notice


def notice_filter(config: SiteConfig, facet: str | None, value: str | None) -> Callable[[Notice], bool] | None:
    """Returns the predicate of a filter, or None when the filter's value is unknown."""
    if facet is None:
        return lambda notice: True
    if facet == "type" and value in TYPES:
        return lambda notice: notice.type == value
    # A group stands for all its components; the archive's component filter takes a group id too.
    if facet in ("component", "group") and value in config.known_ids():
        wanted = set(config.expand([value]))
        return lambda notice: bool(wanted & set(notice.components))
    if facet == "year" and value is not None and value.isdigit() and len(value) == 4:
        return lambda notice: filed_year(notice) == int(value)
    return None


def filed_year(notice: Notice) -> int:
    """Returns the year a reader sees on a notice: of its start or effective date, else of its publication."""
    return notice.start.at.year if notice.start else notice.published.year


def notice_years(notices) -> list[int]:
    """Returns the years the archive's year filter offers, newest first."""
    return sorted({filed_year(n) for n in notices}, reverse=True)


def page_count(matches: int, per_page: int) -> int:
    """Returns how many archive pages list this many notices (one, even when empty)."""
    return max(1, -(-matches // per_page))
