"""Scanner tests: protocol, keymaps, drivers and the pty emulator."""
