"""Shared voicemail: messages Asterisk records in a queue's or entry point's mailbox,
noticed by the daemon, told to the chosen agents (SMS, e-mail, the API), claimed by
one of them, played back as WAV.

``config`` the YAML models (``voicemail:`` on queues and entry points, ``smtp:``);
``spool`` reading Asterisk's files; ``watcher`` the daemon's poll loop; ``notify``
the notices; ``mail`` e-mail over SMTP; ``service`` who sees and claims what;
``setup`` builds it all for the daemon. See docs/voicemail.md.
"""
