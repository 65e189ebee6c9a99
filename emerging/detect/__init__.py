"""Emerging-industry detection: signals, transparent rules, flags with evidence."""
