"""Barcode/QR scanner: serial line and AIM parser, keyboard-wedge keymaps, drivers, pty emulator."""
