"""Ingest: turn the documents in the corpus folder into a clean, structured, embedded index.

Writes what `index` reads; knows nothing of answering or of the page (page -> assistant -> index <- ingest).
"""
