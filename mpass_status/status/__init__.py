"""What the site says about each component and the whole service.

A pure function of plain values: `evaluate(config, notices, history, now)` turns the configuration,
the notices and the check history into component states, the overall state and uptime. Nothing here
knows of Flask, the prober or SQLite; the web layer reads the history and calls it.
"""
