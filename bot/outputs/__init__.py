"""Files for counsel: the calendar feed (ICS) and the timeline picture (PNG)."""
