"""Shared test settings."""
import os

from hypothesis import settings

# CI runs the same hypothesis examples every time, so a landing never depends on luck;
# locally every run explores new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
