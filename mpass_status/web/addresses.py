"""Absolute addresses under the configured public base URL, for feeds, calendars and the status API."""

from flask import url_for

from mpass_status.config import SiteConfig


def absolute(config: SiteConfig, endpoint: str, **values) -> str:
    """Returns the URL of an endpoint under the configured public base URL."""
    return config.base_url + url_for(endpoint, **values)
