"""The working state: records as imported, studies' views, decisions, edits and keys.

Everything here reads or writes the store's tables for the stages above it (dedupe,
tagging, scores, digest, publish) and for the library facade; nothing here knows of a
stage. `records` imports entries (nothing lost), `views` gives a study's fields from its
records, `decisions` logs and replays curator and automatic decisions, `grouping` moves
records between studies, `rendered` keeps each study's BibTeX entry, `files` writes
atomically.
"""
