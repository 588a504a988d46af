"""confsite: a static-site generator for emulation-cluster conference reports."""

__version__ = "0.1.0"
