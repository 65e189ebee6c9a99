"""Specialisation, concentration and diversity indices; cluster stars."""
