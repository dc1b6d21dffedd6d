"""HTTP mode: one small WSGI app (`/slack/events`, `/healthz`, the calendar feeds) served by
gunicorn's own gthread worker."""
