"""Corrective program: exercise catalogue (a data file), prescription and progression.

Pure core except `catalogue.load_catalogue` (reads the packaged data file) and `ics`
(writes iCalendar text).
"""
