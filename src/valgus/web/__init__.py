"""The local web app (`valgus serve`): a thin door over valgus.services.

Pages are rendered on the server (Jinja2) with a little JavaScript of our own; every asset
is served by the app itself and a Content-Security-Policy forbids anything remote, so the
app works offline. The JSON API under /api mirrors what the pages do. No measure, verdict
or rule is computed here: handlers parse, call a service, and render what it returns.
"""
