"""Classifications: NUTS regions and NACE industries."""
