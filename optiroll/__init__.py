"""optiroll: the optimizers of Deep Learning from Scratch ch. 6, animated."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("optiroll")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
