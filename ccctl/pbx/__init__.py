"""The Asterisk side of ccctl: the sandbox image and instances, safe reloads."""
