"""Storm messages: a temporary announcement per entry point (or all), no reload needed.

``ccctl storm set/clear/show`` write one AstDB key per entry point over AMI;
the generated dialplan reads it on every new call (see docs/ivr.md).
"""
