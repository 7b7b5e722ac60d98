"""Telling people by e-mail what the site publishes: the top layer beside the web, reading the notices, the
record of news and the settings.

choices.py (what a subscriber asked for) → store.py (subscribers and the outbox, in the results database) →
fanout.py (each news event into one outbox row per matching subscriber) → compose.py (the e-mails, in the
subscriber's language) → smtp.py + sender.py (handed to SMTP, retried, recorded). routes.py serves the
sign-up, confirmation, management and one-click unsubscription; cli.py `flask notify`.
"""
