"""Ingest: turn the documents in the corpus folder into a clean, structured, embedded index.

Knows nothing of answering or of the page (imports flow ui -> assistant -> ingest).
"""
