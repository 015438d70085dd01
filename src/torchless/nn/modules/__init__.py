"""nn modules (being written)."""
