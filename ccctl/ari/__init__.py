"""Asterisk REST Interface: typed events (``events``), REST calls (``rest``), the
reconnecting websocket (``connection``)."""
