"""Asterisk Manager Interface: wire protocol (``protocol``) and connection (``client``)."""

from ccctl.ami.client import AmiClient, AmiError, Credentials
from ccctl.ami.protocol import Message

__all__ = ["AmiClient", "AmiError", "Credentials", "Message"]
