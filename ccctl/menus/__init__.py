"""IVR: DTMF menus, language menus and the actions a caller's choice leads to.

:mod:`ccctl.menus.models` holds the YAML models; :mod:`ccctl.menus.plan`
compiles them into the PBX-neutral plan the dialplan templates format.
"""
