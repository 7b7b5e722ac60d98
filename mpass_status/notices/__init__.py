"""Notices written by staff as markdown files in git, from file to memory.

parser.py turns a file into a Notice (model.py) or into problems at their lines; moments.py reads the
times editors write; markdown.py renders bodies safely; store.py keeps a folder in memory and reloads it
when files change; filters.py selects notices for the archive and the feeds; cli.py is `flask notices`.
"""
