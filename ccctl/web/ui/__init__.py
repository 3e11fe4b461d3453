"""The web UI's server side: log-in and sessions, pages, and the live feed."""
