"""ccctl — contact-center control layer for Asterisk 22 and FreeSWITCH."""

__version__ = "0.1.0"
