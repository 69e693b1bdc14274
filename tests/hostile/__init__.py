"""Hostile input, fault and durability tests (issue 5; see CASES.md for the §5 map)."""
