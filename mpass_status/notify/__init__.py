"""Telling people by e-mail what the site publishes: the top layer beside the web, reading the notices, the
record of news and the settings.

choices.py (what a subscriber asked for) → store.py (subscribers and the outbox, in the results database) →
fanout.py (each news event into one outbox row per matching subscriber; reminders.py a maintenance break's
reminder, auto_notice.py the checks' automatic notice) → compose.py (the e-mails, in the subscriber's language) →
smtp.py + dkim.py + sender.py (signed, handed to SMTP, retried, recorded). routes.py serves the
sign-up, confirmation, management and one-click unsubscription; cli.py `flask notify`.

Webhooks go beside the e-mail: webhook_address.py (which URLs) → webhook_store.py (hooks and their deliveries) →
webhook_payload.py (Statuspage's shape) → webhook_http.py + webhook_sender.py (signed, retried, disabled, the owner
told by webhook_mail.py); webhook_routes.py serves the form and each hook's page, webhook_cli.py `flask webhooks`.
"""
