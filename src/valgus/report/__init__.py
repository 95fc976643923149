"""Pictures and reports: key frames, plots, a self-contained HTML report."""
