"""Screen modules, one flow each; ``all_screens()`` gathers them for the registry."""
