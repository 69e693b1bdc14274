"""Names vulture cannot see being used: called by Textual, pytest or the tests only.

Run as CI does: ``vulture`` (paths and confidence in pyproject.toml).
"""
