"""The site model: every cross-article fact (clusters, timelines, successions, units, years).

Never touches the filesystem.
"""
