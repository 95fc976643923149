"""Command line: thin. Parse, call valgus.api, render as text or JSON."""
