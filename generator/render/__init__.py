"""The site model to files: routes and URL layout, the Jinja pages, QR codes, search index, feeds,
sitemap, data exports, theme, translations. Receives the model; never reads content files.
"""
