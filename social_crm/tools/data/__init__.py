"""Vocabularies of the NLP tools, kept as Python data (no files to locate at runtime)."""
