"""Deadline alerts: planning is in `domain.rules.alert_plan`; posting each alert exactly once is here."""
