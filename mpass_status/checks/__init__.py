"""The broker checks: each kind (http, oidc, saml, authsources, tls) and how a round of them is run and kept.

results.py holds what a check finds and the English reason sentences; http.py and saml_tls.py the kinds;
runner.py runs a round within timeouts; store.py keeps results (in SQLite, store_sqlite.py, or PostgreSQL,
store_postgres.py); scheduler.py runs checks at their intervals; cli.py is `flask probe`.
"""
