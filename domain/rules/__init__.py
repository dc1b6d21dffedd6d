"""The agreement as executable rules: pure functions of a history, a profile and a date.

Nothing here reads the database, talks to Slack or looks at the clock (a test enforces it)."""
