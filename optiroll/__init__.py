"""optiroll: the optimizers of Deep Learning from Scratch ch. 6, animated."""

import os

# optiroll's arrays are small: OpenBLAS's threads (one per core, started when NumPy is imported)
# never help, and starting them cost every process 0.05-0.1 s of CPU (a render has two, a
# lecture's sections more). Set before anything imports NumPy; the encoder processes inherit it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package's metadata when first asked for (the
    metadata module costs a process that never asks, such as an encoder, 20 ms to import)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("optiroll")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"
