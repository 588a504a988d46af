"""The command line and what runs behind it (serve, new, publish, check): the only code that prints."""
