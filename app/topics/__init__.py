"""What talks are about: distinctive terms per talk, forum and speaker, and talks that belong together."""
