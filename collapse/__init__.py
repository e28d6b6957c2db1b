"""Command-line interface of the model-collapse toolkit (``collapse``)."""

__version__ = "0.1.0"
