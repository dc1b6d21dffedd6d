"""The handler of each command, grouped as the help groups them: recording, asking, administering."""
