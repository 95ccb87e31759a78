"""Local date and number formats (FORMAT_MODULE_PATH), overriding Django's where they differ."""
