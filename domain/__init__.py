"""The registration rights agreement as executable rules."""
