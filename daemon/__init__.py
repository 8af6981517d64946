"""The device daemon: broker, bus, device supervisors and command handlers.

`daemon.client` and `daemon.messages` are the parts other programs (TUI, rig) use.
"""
