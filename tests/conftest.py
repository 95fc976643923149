"""Shared test set-up. ``tests`` is a package: helpers are imported as
``tests.synthetic_poses`` (synthetic pose Datasets) and ``tests.paths``."""
