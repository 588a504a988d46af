"""Content files to checked articles and pages: load, front-matter fields, Markdown, validate, the article model."""
