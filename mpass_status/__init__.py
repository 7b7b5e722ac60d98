"""MPASSid status site: notices from git, feeds and health checks of the broker."""
