"""Pure assessment: quality gates, measures per rep, interpretation bands."""
