"""A Hypothesis profile for scripts/mutation (`--hypothesis-profile=mutation`): the same examples
on every run, so a mutant's verdict does not depend on the luck of the draw and a survivor judged
equivalent stays one, and fewer of them where a test does not set its own count."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
