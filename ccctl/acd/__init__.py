"""Routing core: pure, clock-injected ACD. Start at :class:`ccctl.acd.router.Router`."""
