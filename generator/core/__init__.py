"""Lowest floor: errors, YAML with positions, encodings, slugs, content paths, the site configuration, hashing.

Imports nothing else of confsite.
"""
