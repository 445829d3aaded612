"""screener's knowledge as data: section vocabulary, and (later) skills and role profiles.

Files here are read with :mod:`importlib.resources`, never through paths, so the
installed package finds them wherever it lives.
"""
