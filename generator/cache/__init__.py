"""The build cache (tables keyed by content digests) and the forked workers that fill it."""
