"""Deadline alerts: planning is in `domain.alert_plan`; posting each alert exactly once is here."""
