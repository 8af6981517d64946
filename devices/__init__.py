"""Hardware, one sub-package per device: sans-I/O protocols, thin drivers, emulators.

Nothing here imports MQTT, the database or any other govan package.
"""
