"""What readers and their programs get over HTTP: pages, feeds, calendars, the status API and the export.

language.py, dates.py and labels.py are the one home of the reader's language, of how dates are written
and of every visible label. pages.py, feeds/ and status_api.py are the routes; live.py reads the check
history and evaluates the live status; page_cache.py keeps rendered responses; export.py writes the site
as static files; security.py and errors.py add headers and error pages to every response.
"""
