"""The site configuration (status.toml): read and validated once, when the app is created.

`load_config(path)` returns one typed `SiteConfig` (site, groups, components, probe settings, checks)
or raises `ConfigError`, whose `problems` name each mistake's file and line.
"""

from mpass_status.config.loader import ConfigError, load_config
from mpass_status.config.model import Check, Component, Group, ProbeSettings, SiteConfig

__all__ = ["Check", "Component", "ConfigError", "Group", "ProbeSettings", "SiteConfig", "load_config"]
