"""The build flow (``pipeline.build``), incremental rebuild decisions, the published-addresses guard."""
