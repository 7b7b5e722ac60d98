"""RSS and Atom feeds of the notices and the iCalendar of maintenance breaks, in each language.

catalog.py says which feeds exist and mints their permanent ids; render.py writes RSS and Atom;
calendar.py writes iCalendar; routes.py serves them and the subscribe page.
"""
