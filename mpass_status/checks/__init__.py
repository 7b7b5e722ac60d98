"""The broker checks: each kind (http, oidc, saml, authsources, tls) and how a round of them is run and kept.

results.py holds what a check finds and its outcomes, reasons.py the English reason sentences;
transport.py is the hardened HTTP client the kinds share, kinds/ the kinds (one module each, and the
registry), expiry.py how an expiry date becomes a finding; runner.py runs a round within timeouts;
store/ keeps results behind one interface (in SQLite or PostgreSQL); thresholds.py turns a run of outcomes
into a verdict; scheduler.py runs checks at their intervals; storer.py writes the rounds, and unsaved.py
shows the pages those it could not write yet; cli.py is `flask probe`.
"""
