"""The one exception type the CLI turns into a one-line message and exit code 2."""


class OptirollError(ValueError):
    """Bad input from the user: the message is shown as it is, on one line."""
