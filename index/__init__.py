"""The index: its on-disk format and the read side (open, search, embed a query), plus shared text helpers.

Imports nothing from `ingest`, `assistant`, `page` or `ui`: `ingest` writes what this package reads,
`assistant` reads it (imports flow page -> assistant -> index <- ingest).
"""
