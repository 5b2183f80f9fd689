"""Hypothesis without per-example deadlines: on 2 shared cores a first call (imports, caches) can
take longer than any fixed limit, and speed is measured in benchmarks/, not asserted in tests."""

from hypothesis import settings

settings.register_profile("optiroll", deadline=None)
settings.load_profile("optiroll")
