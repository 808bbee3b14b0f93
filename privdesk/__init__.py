"""privdesk: case management for consumer privacy requests."""

__version__ = "0.1.0"
APP_NAME = "privdesk"
APP_ID = "org.privdesk.Privdesk"
ORG_NAME = "privdesk"
