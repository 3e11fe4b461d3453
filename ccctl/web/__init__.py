"""HTTP: the REST API (and later websockets and the UI). The only place where domain
errors become HTTP status codes."""
