"""HTTP mode: a small WSGI router (`/slack/events`, `/healthz`) served by gunicorn."""
