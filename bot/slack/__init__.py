"""The Slack front end: a Bolt app over the same parser and service as the command line."""
