"""The output folder: what render hands over (``Rendered``), the atomic write, the link check."""
